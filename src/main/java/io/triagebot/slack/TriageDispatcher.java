package io.triagebot.slack;

import io.triagebot.approval.ApprovalService;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentService;
import io.triagebot.ops.BotMetrics;
import io.triagebot.ops.ErrorRef;
import io.triagebot.ops.LogContext;
import io.triagebot.probe.HostName;
import io.triagebot.probe.TargetException;
import io.triagebot.store.StoreException;
import io.triagebot.triage.Triage;
import io.triagebot.triage.TriageOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the triages of opened incidents in the background, a bounded number at a time, and records each
 * outcome as incident events (the summary, or what went wrong and what to check), then proposes the
 * runbooks its findings suggest, each as an approval card; the outbox posts them.
 */
public final class TriageDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TriageDispatcher.class);

    private final Triage service;
    private final IncidentService incidents;
    private final ApprovalService approvals;
    private final OutboxDeliverer outbox;
    private final BotMetrics metrics;
    private final ThreadPoolExecutor pool;
    private final FailureDisclosure disclosure;

    /** A dispatcher whose failures are told in detail in their threads. */
    public TriageDispatcher(Triage service, IncidentService incidents, ApprovalService approvals, OutboxDeliverer outbox,
            BotMetrics metrics, int concurrency, int queueCapacity) {
        this(service, incidents, approvals, outbox, metrics, concurrency, queueCapacity, new FailureDisclosure(true));
    }

    /**
     * @param concurrency triages running at once
     * @param queueCapacity triages waiting; beyond it, requests are refused with a "busy" answer
     * @param disclosure what a thread is told when its host could not be triaged
     */
    TriageDispatcher(Triage service, IncidentService incidents, ApprovalService approvals, OutboxDeliverer outbox,
            BotMetrics metrics, int concurrency, int queueCapacity, FailureDisclosure disclosure) {
        this.disclosure = disclosure;
        this.metrics = metrics;
        this.service = service;
        this.incidents = incidents;
        this.approvals = approvals;
        this.outbox = outbox;
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, "triage-worker");
                    t.setDaemon(true);
                    return t;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** True when another triage would be accepted now. */
    public boolean hasCapacity() {
        return pool.getQueue().remainingCapacity() > 0 && !pool.isShutdown();
    }

    /** Queues the triage of an opened incident; false when the queue is full. */
    public boolean submit(Incident incident) {
        try {
            pool.execute(new Task(incident));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** A queued triage, known by its incident so a stop can say which ones it cut short. */
    private final class Task implements Runnable {
        final Incident incident;

        Task(Incident incident) {
            this.incident = incident;
        }

        /** Every line logged for this triage, on this pool's thread, names the incident, host and requester. */
        @Override
        public void run() {
            try (LogContext.Scope scope = LogContext.with(LogContext.Field.INCIDENT, incident.id().toString())
                    .and(LogContext.Field.HOST, incident.host())
                    .and(LogContext.Field.SLACK_USER, incident.requestedBy())
                    .open()) {
                TriageDispatcher.this.run(incident);
            }
        }
    }

    void run(Incident incident) {
        try {
            TriageOutcome outcome;
            long start = System.nanoTime();
            try {
                outcome = service.triage(new HostName(incident.host()));
            } catch (RuntimeException e) {
                String ref = ErrorRef.logged(LOG, "triage of " + incident.host() + " for " + incident.id()
                        + " failed unexpectedly", e);
                outcome = new TriageOutcome.Failed(incident.host(), TargetException.Kind.TRANSPORT,
                        incident.host() + ": internal error in the bot (ref " + ref + ")");
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (outcome instanceof TriageOutcome.Reported reported) {
                metrics.triageFinished("reported", reported.report().severity().name(), took);
                incidents.recordReport(incident.id(), reported.report());
                outbox.kick();
                propose(incident, reported);
            } else if (outcome instanceof TriageOutcome.Failed failed) {
                metrics.triageFinished("failed", "none", took);
                metrics.sshFailure(failed.kind().name());
                TriageOutcome.Failed shown = disclosure.shown(incident, failed);
                incidents.recordFailure(incident.id(), shown.kind(), shown.message());
            }
        } catch (StoreException e) {
            LOG.error("cannot record the triage of {} for {}: {}", incident.host(), incident.id(), e.getMessage());
        }
        outbox.kick();
    }

    /** Offers the runbooks the findings suggest; a failure here never takes the report back. */
    private void propose(Incident incident, TriageOutcome.Reported reported) throws StoreException {
        try {
            approvals.propose(incident, reported.report(), reported.snapshot());
        } catch (RuntimeException e) {
            LOG.error("{}: cannot propose actions", incident.id(), e);
        }
    }

    /**
     * Takes no more triages; the queued ones that have not started are recorded as interrupted in their
     * threads at once (run them again, on another replica), the running ones get up to {@code seconds} to
     * finish (each is bounded by its deadline). One still running when time is up is found and reported
     * at the next start.
     */
    public void shutdown(long seconds) throws InterruptedException {
        List<Runnable> queued = new ArrayList<>();
        pool.getQueue().drainTo(queued);
        pool.shutdown();
        for (Runnable r : queued) {
            if (r instanceof Task t) {
                try {
                    metrics.triageFinished("interrupted", "none", null);
                    incidents.recordInterrupted(t.incident.id());
                } catch (StoreException e) {
                    LOG.error("cannot record the interrupted triage of {}: {}", t.incident.id(), e.getMessage());
                }
            }
        }
        if (!pool.awaitTermination(seconds, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
