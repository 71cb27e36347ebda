package io.triagebot.snapshot;

/**
 * One process (or thread) from /proc/PID/stat (or /proc/PID/task/TID/stat). CPU times are USER_HZ ticks.
 *
 * @param pid the process id; for a thread, the id of its process
 * @param tid the thread id; equals pid for a process line
 * @param state R, S, D, Z, T, I...
 * @param rssPages resident pages
 */
public record ProcessStat(int pid, int tid, String comm, char state, int ppid, long minorFaults, long majorFaults,
        long utime, long stime, int threads, long rssPages) {
}
