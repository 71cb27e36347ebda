package io.triagebot.analysis;

/**
 * A kernel log line that means "escalate": oops, lockups, hung tasks, hardware and storage errors...
 *
 * @param trigger kernel-oops, soft-lockup, hard-lockup, hung-task, rcu-stall, workqueue-lockup, oom-kill,
 *     hardware-error, storage-error, irq-nobody-cared
 * @param severity what it means for the host when recent; old lines do not raise the report's severity
 * @param line the kernel's words, as logged
 * @param ageSeconds how long ago it was logged, NaN when the log has no timestamps
 * @param recent logged within the recent horizon (thresholds: escalation.recent-seconds); older lines
 *     are history, not the current incident
 * @param count how many lines of this trigger were seen (only the newest is kept)
 * @param advice who to call and what to keep
 */
public record Escalation(String trigger, Severity severity, String line, double ageSeconds, boolean recent, int count,
        String advice) {
}
