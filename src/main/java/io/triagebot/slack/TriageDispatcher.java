package io.triagebot.slack;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

import io.triagebot.analysis.Report;
import io.triagebot.triage.TriageOutcome;
import io.triagebot.triage.TriageService;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs triages for Slack in the background, a bounded number at a time: anchor message first, then the
 * triage, then the severity-first summary in the anchor's thread, then the anchor updated with the result.
 * A host that cannot be reached gets its explanation in the thread; nothing fails silently.
 */
public final class TriageDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TriageDispatcher.class);

    private final TriageService service;
    private final SlackPoster poster;
    private final SlackReportRenderer renderer = new SlackReportRenderer();
    private final ThreadPoolExecutor pool;

    /**
     * @param concurrency triages running at once
     * @param queueCapacity triages waiting; beyond it, requests are refused with a "busy" answer
     */
    public TriageDispatcher(TriageService service, SlackPoster poster, int concurrency, int queueCapacity) {
        this.service = service;
        this.poster = poster;
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, "triage-worker");
                    t.setDaemon(true);
                    return t;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Queues a triage; false when the queue is full. */
    public boolean submit(TriageRequest request) {
        try {
            pool.execute(() -> run(request));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void run(TriageRequest r) {
        String host = r.host().value();
        String anchor;
        try {
            anchor = poster.post(r.channel(), null, AnchorMessages.collecting(host, r.user(), r.requestedAt()));
        } catch (SlackDeliveryException e) {
            LOG.error("cannot post the anchor for {} in {}: {}", host, r.channel(), e.getMessage());
            tellRequester(r, "I could not post in this channel (" + e.error() + "). Invite me with /invite and retry.");
            return;
        }
        try {
            TriageOutcome outcome;
            try {
                outcome = service.triage(r.host());
            } catch (RuntimeException e) {
                LOG.error("triage of {} failed unexpectedly", host, e);
                poster.post(r.channel(), anchor, text(":x: Triage of " + Mrkdwn.code(host)
                        + " failed with an internal error: " + Mrkdwn.escape(e.toString())));
                poster.update(r.channel(), anchor, AnchorMessages.failed(host, r.user(), r.requestedAt(),
                        io.triagebot.probe.TargetException.Kind.TRANSPORT, "internal error"));
                return;
            }
            if (outcome instanceof TriageOutcome.Reported reported) {
                Report report = reported.report();
                for (SlackMessage m : renderer.render(report)) {
                    poster.post(r.channel(), anchor, m);
                }
                poster.update(r.channel(), anchor, AnchorMessages.done(host, r.user(), r.requestedAt(), report));
            } else if (outcome instanceof TriageOutcome.Failed failed) {
                poster.post(r.channel(), anchor, text(":warning: *" + TargetAdvice.label(failed.kind()) + "*: "
                        + Mrkdwn.escape(failed.message()) + "\n*What to check:* "
                        + TargetAdvice.whatToCheck(failed.kind())));
                poster.update(r.channel(), anchor, AnchorMessages.failed(host, r.user(), r.requestedAt(), failed.kind(),
                        failed.message()));
            }
        } catch (SlackDeliveryException e) {
            LOG.error("cannot post the triage of {} in {}: {}", host, r.channel(), e.getMessage());
        }
    }

    private void tellRequester(TriageRequest r, String text) {
        try {
            poster.ephemeral(r.channel(), r.user(), text);
        } catch (SlackDeliveryException e) {
            LOG.error("cannot reach {} in {} either: {}", r.user(), r.channel(), e.getMessage());
        }
    }

    private static SlackMessage text(String mrkdwn) {
        return new SlackMessage(mrkdwn.replaceAll("[*`_]", ""), List.of(section(s -> s.text(markdownText(mrkdwn)))));
    }

    /** Lets running triages finish (up to {@code seconds}); queued ones are dropped. */
    public void shutdown(long seconds) throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
