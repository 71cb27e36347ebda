package io.triagebot.schedule;

import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * A scheduled job that runs one task of the bot. Each subclass is its own Quartz job class (so each has its
 * own trigger and its own no-overlap rule across the cluster); the task comes from the composition root.
 */
abstract class RunnableJob implements Job {

    private final Runnable task;

    RunnableJob(Runnable task) {
        this.task = task;
    }

    @Override
    public final void execute(JobExecutionContext context) {
        task.run();
    }
}
