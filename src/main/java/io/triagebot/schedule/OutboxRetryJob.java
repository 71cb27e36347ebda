package io.triagebot.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * Delivers what the outbox still holds: retries after Slack failures, and messages left by a stop.
 * One at a time across the cluster.
 */
@DisallowConcurrentExecution
public final class OutboxRetryJob implements Job {

    public static final String NAME = "outbox-retry";

    private final Runnable deliverDue;

    public OutboxRetryJob(Runnable deliverDue) {
        this.deliverDue = deliverDue;
    }

    @Override
    public void execute(JobExecutionContext context) {
        deliverDue.run();
    }
}
