package io.triagebot.snapshot;

/**
 * A thread and what it sleeps on.
 *
 * @param wchan the kernel function a sleeping thread waits in (futex_wait_queue, io_schedule...), or null
 *     when running, unknown, or hidden (non-root readers see "0" for other users' threads)
 */
public record ThreadInfo(ProcessStat stat, String wchan) {
}
