package io.triagebot.snapshot;

/**
 * One process (or thread) from /proc/PID/stat (or /proc/PID/task/TID/stat). CPU times are USER_HZ ticks.
 *
 * @param pid the process id; for a thread, the id of its process
 * @param tid the thread id; equals pid for a process line
 * @param state R, S, D, Z, T, I...
 * @param rssPages resident pages
 * @param startTime field 22, clock ticks after boot the process started: with the pid it names one process
 *     (pids are reused); -1 when unknown
 */
public record ProcessStat(int pid, int tid, String comm, char state, int ppid, long minorFaults, long majorFaults,
        long utime, long stime, int threads, long rssPages, long startTime) {

    /** A process whose start time is unknown. */
    public ProcessStat(int pid, int tid, String comm, char state, int ppid, long minorFaults, long majorFaults,
            long utime, long stime, int threads, long rssPages) {
        this(pid, tid, comm, state, ppid, minorFaults, majorFaults, utime, stime, threads, rssPages, -1);
    }
}
