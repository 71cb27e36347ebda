package io.triagebot.schedule;

import org.quartz.DisallowConcurrentExecution;

/** Expires action proposals nobody approved in time, and updates their cards. One at a time across the cluster. */
@DisallowConcurrentExecution
public final class ActionExpiryJob extends RunnableJob {

    public static final String NAME = "action-expiry";

    public ActionExpiryJob(Runnable expireDue) {
        super(expireDue);
    }
}
