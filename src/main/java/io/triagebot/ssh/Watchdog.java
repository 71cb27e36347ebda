package io.triagebot.ssh;

import java.util.concurrent.TimeUnit;

/**
 * Runs an action once when a deadline passes, unless disarmed first. JSch's connect and channel
 * setup block in places that take no timeout of ours; tearing the connection down from this thread
 * is what turns "eventually" into "by the deadline".
 */
final class Watchdog implements AutoCloseable {

    private final Deadline deadline;
    private final Runnable onExpiry;
    private final Thread thread;
    private boolean disarmed;
    private volatile boolean fired;

    private Watchdog(Deadline deadline, Runnable onExpiry, String name) {
        this.deadline = deadline;
        this.onExpiry = onExpiry;
        this.thread = new Thread(this::watch, name);
        this.thread.setDaemon(true);
    }

    static Watchdog start(Deadline deadline, Runnable onExpiry, String name) {
        Watchdog watchdog = new Watchdog(deadline, onExpiry, name);
        watchdog.thread.start();
        return watchdog;
    }

    private void watch() {
        synchronized (this) {
            try {
                long left;
                while (!disarmed && (left = deadline.remainingNanos()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                return;
            }
            if (disarmed) {
                return;
            }
            fired = true;
        }
        onExpiry.run();
    }

    /** True once the deadline passed and the action ran (or is running). */
    boolean fired() {
        return fired;
    }

    /** Stops the watch; the action will not start after this returns (it may already be running). */
    synchronized void disarm() {
        disarmed = true;
        notifyAll();
    }

    /** Disarms and waits briefly for a running action, so teardown does not race it. */
    @Override
    public void close() {
        disarm();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
