package io.triagebot.schedule;

import org.quartz.DisallowConcurrentExecution;

/**
 * Verifies executed actions whose settle time has passed: re-triage, before/after of the expected metric.
 * One at a time across the cluster; each action is claimed once in the database as well.
 */
@DisallowConcurrentExecution
public final class ActionVerificationJob extends RunnableJob {

    public static final String NAME = "action-verification";

    public ActionVerificationJob(Runnable verifyDue) {
        super(verifyDue);
    }
}
