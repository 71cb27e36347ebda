package io.triagebot.schedule;

import org.quartz.DisallowConcurrentExecution;

/**
 * Delivers what the outbox still holds: retries after Slack failures, and messages left by a stop.
 * One at a time across the cluster.
 */
@DisallowConcurrentExecution
public final class OutboxRetryJob extends RunnableJob {

    public static final String NAME = "outbox-retry";

    public OutboxRetryJob(Runnable deliverDue) {
        super(deliverDue);
    }
}
