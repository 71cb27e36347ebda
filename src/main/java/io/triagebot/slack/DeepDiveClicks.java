package io.triagebot.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import io.triagebot.deep.DeepDive;
import io.triagebot.deep.DeepDiveResult;
import io.triagebot.deep.DeepFile;
import io.triagebot.deep.DeepProbe;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentService;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deep-dive buttons under findings. A click is acknowledged at once and run on a small bounded pool
 * (a run lasts its seconds plus the tool's start and symbol resolution). Anyone allowed to triage in the
 * incident's channel may click: deep probes only read. From any other channel an incident does not
 * exist. The button names a finding of the incident's stored report; the click runs only what that
 * finding offers, for the seconds the button says. The deep dive itself keeps one probe per host at a
 * time and the cooldown; a refusal is told to whoever clicked, a result goes to the thread (files
 * uploaded, the summary posted) and into the timeline.
 */
final class DeepDiveClicks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeepDiveClicks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tool output shown in the thread; the whole (bounded) text is in the timeline. */
    static final int MAX_SUMMARY_CHARS = 2800;
    /** What the timeline keeps of a result's text. */
    static final int MAX_PAYLOAD_CHARS = 64 * 1024;

    private final DeepDive dive;
    private final DeepDiveOffers offers;
    private final IncidentService incidents;
    private final OutboxDeliverer outbox;
    private final SlackPoster poster;
    private final SlackFileUploads uploads;
    private final AccessPolicy access;
    private final Clock clock;
    private final ThreadPoolExecutor pool;

    DeepDiveClicks(DeepDive dive, DeepDiveOffers offers, IncidentService incidents, OutboxDeliverer outbox,
            SlackPoster poster, SlackFileUploads uploads, AccessPolicy access, Clock clock) {
        this.dive = dive;
        this.offers = offers;
        this.incidents = incidents;
        this.outbox = outbox;
        this.poster = poster;
        this.uploads = uploads;
        this.access = access;
        this.clock = clock;
        // Two runs at once (on different hosts; one host runs one at a time anyway) and a short queue: a
        // deep probe is rare, and a flood of clicks is told to wait rather than piling up.
        this.pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(8), r -> {
            Thread t = new Thread(r, "deep-dive-click");
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** One click, its shape checked. */
    private record Click(String user, String channel, DeepDiveOffers.Reference ref) {
    }

    /** Queues the click; returns at once so Bolt can acknowledge it. */
    void accept(BlockActionPayload payload) {
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        BlockActionPayload.Action action = payload.getActions() == null || payload.getActions().isEmpty() ? null
                : payload.getActions().get(0);
        if (!SlackIds.isId(user) || !SlackIds.isId(channel) || action == null) {
            LOG.warn("ignoring a malformed deep-dive click");
            return;
        }
        Optional<DeepDiveOffers.Reference> ref = DeepDiveOffers.parse(action.getValue(), action.getActionId());
        if (ref.isEmpty()) {
            answer(channel, user, ":grey_question: This button does not refer to anything here.");
            return;
        }
        Click click = new Click(user, channel, ref.get());
        try {
            pool.execute(() -> handle(click));
        } catch (RejectedExecutionException e) {
            answer(channel, user, ":hourglass: The bot is busy with other deep dives; click again in a minute.");
        }
    }

    private void handle(Click click) {
        DeepDiveOffers.Reference ref = click.ref();
        try {
            String refusal = access.refusal(click.channel(), click.user());
            if (refusal != null) {
                answer(click, refusal);
                return;
            }
            Optional<Incident> found = incidents.find(ref.incident());
            if (found.isEmpty() || !found.get().channel().equals(click.channel())) {
                answer(click, IncidentActions.notFound(ref.incident()));
                return;
            }
            Incident incident = found.get();
            Optional<DeepProbe> probe = offers.catalog().find(ref.kind());
            if (probe.isEmpty() || !offers.offers(findingPattern(incident, ref.finding()), ref.kind())) {
                answer(click, ":grey_question: Finding " + ref.finding() + " of " + incident.id()
                        + " offers no such deep dive.");
                return;
            }
            if (incident.anchorTs() == null) {
                answer(click, ":hourglass: " + incident.id() + "'s thread is not in Slack yet; click again in a moment.");
                return;
            }
            answer(click, ":hourglass_flowing_sand: " + Mrkdwn.escape(probe.get().title()) + " of "
                    + Mrkdwn.code(incident.host()) + " for " + DeepDiveOffers.seconds(probe.get())
                    + " s requested: the results come to the thread.");
            long asked = System.nanoTime();
            DeepDiveResult r = dive.run(incident.host(), ref.kind(), DeepDiveOffers.seconds(probe.get()), click.user());
            LOG.info("{}: {} deep dive of {} by {}: {} after {} ms", incident.id(), ref.kind(), incident.host(),
                    click.user(), r.outcome(), (System.nanoTime() - asked) / 1_000_000);
            switch (r.outcome()) {
                case BUSY, COOLING_DOWN, INVALID -> answer(click, ":hourglass: " + Mrkdwn.escape(r.text()));
                case COMPLETED, PARTIAL -> completed(incident, click, probe.get(), r);
                default -> recordFailure(incident, click, probe.get(), r);
            }
        } catch (StoreException e) {
            LOG.error("deep-dive click failed: {}", e.getMessage());
            answer(click, ":x: The bot cannot reach its database right now: " + Mrkdwn.escape(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("deep-dive click failed", e);
            answer(click, ":x: Internal error: " + Mrkdwn.escape(e.toString()));
        } finally {
            outbox.kick();
        }
    }

    /** The pattern of finding {@code index} (1-based) in the incident's latest report, or null. */
    private String findingPattern(Incident incident, int index) throws StoreException {
        List<TimelineEvent> reports = incidents.store().events(incident.id(), EventType.FINDINGS);
        if (reports.isEmpty() || reports.get(reports.size() - 1).payload() == null) {
            return null;
        }
        try {
            JsonNode findings = JSON.readTree(reports.get(reports.size() - 1).payload()).path("findings");
            JsonNode f = findings.path(index - 1);
            return f.isObject() ? f.path("pattern").asText(null) : null;
        } catch (IOException e) {
            LOG.warn("{}'s stored report does not parse: {}", incident.id(), e.getMessage());
            return null;
        }
    }

    /** Files to the thread first, then the summary and the timeline entry saying what was uploaded. */
    private void completed(Incident incident, Click click, DeepProbe probe, DeepDiveResult r) throws StoreException {
        List<SlackFileUploads.File> files = r.files().stream()
                .map(f -> new SlackFileUploads.File(f.name(), f.title(), f.content())).toList();
        String uploadProblem = null;
        long start = System.nanoTime();
        if (!files.isEmpty()) {
            try {
                uploads.upload(incident.channel(), incident.anchorTs(), files);
                LOG.info("{}: {} deep dive of {} took {} ms, its {} files uploaded in {} ms", incident.id(), probe.id(),
                        r.host(), r.elapsed().toMillis(), files.size(), (System.nanoTime() - start) / 1_000_000);
            } catch (SlackDeliveryException e) {
                LOG.warn("deep-dive files for {} not uploaded: {}", incident.id(), e.getMessage());
                uploadProblem = e.error() == null ? e.getMessage() : e.error();
            }
        }
        String names = r.files().stream().map(DeepFile::name).collect(Collectors.joining(", "));
        StringBuilder s = new StringBuilder(head(probe, r, click.user()));
        if (uploadProblem != null) {
            s.append("\n:warning: Slack refused the files (").append(Mrkdwn.escape(uploadProblem))
                    .append("): the flame graph and chart are not in this thread. `triagebot profile` on the command"
                            + " line writes the same files.");
        } else if (!files.isEmpty()) {
            s.append("\nUploaded above: ").append(Mrkdwn.escape(names)).append('.');
        }
        s.append("\n```").append(block(r.text())).append("```");
        String summary = probe.id() + " deep dive of " + r.host() + " for " + r.seconds() + " s by " + click.user() + ": "
                + r.outcome().name().toLowerCase(java.util.Locale.ROOT) + ", " + r.elapsed().toMillis() + " ms; "
                + (files.isEmpty() ? "no files" : uploadProblem == null ? "uploaded " + names
                        : "upload failed (" + uploadProblem + "): " + names);
        record(incident, click.user(), summary, r.text(), s.toString());
    }

    private void recordFailure(Incident incident, Click click, DeepProbe probe, DeepDiveResult r) throws StoreException {
        String s = head(probe, r, click.user()) + "\n```" + block(r.text()) + "```";
        record(incident, click.user(), probe.id() + " deep dive of " + r.host() + " by " + click.user() + ": "
                + r.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": " + firstLine(r.text()), r.text(), s);
    }

    private void record(Incident incident, String user, String summary, String payload, String mrkdwn)
            throws StoreException {
        OutgoingMessage message = MessageCodec.message(OutboxKind.REPLY, new SlackMessage(Mrkdwn.fallback(mrkdwn),
                SectionSplitter.sections(mrkdwn, SlackLimits.BLOCKS)));
        String kept = payload == null ? null : payload.length() > MAX_PAYLOAD_CHARS
                ? payload.substring(0, MAX_PAYLOAD_CHARS) : payload;
        incidents.store().append(incident.id(), EventType.DEEP_DIVE, user, clock.instant(), summary, kept,
                List.of(message));
    }

    private static String head(DeepProbe probe, DeepDiveResult r, String user) {
        String mark = switch (r.outcome()) {
            case COMPLETED -> ":mag:";
            case PARTIAL -> ":warning:";
            default -> ":x:";
        };
        String outcome = switch (r.outcome()) {
            case COMPLETED -> "";
            case PARTIAL -> " (partial)";
            case UNAVAILABLE -> ": unavailable";
            case UNREACHABLE -> ": host unreachable";
            default -> ": failed";
        };
        return mark + " *" + Mrkdwn.escape(probe.title()) + "* of " + Mrkdwn.code(r.host()) + ", " + r.seconds() + " s"
                + outcome + " (asked by " + SlackIds.mention(user) + ")";
    }

    /** Tool text inside a code block: escaped, then clipped, and unable to close the block early. */
    private static String block(String text) {
        return Mrkdwn.clip(Mrkdwn.escape(text == null ? "" : text.strip()).replace("```", "'''"), MAX_SUMMARY_CHARS);
    }

    private static String firstLine(String text) {
        String t = text == null ? "" : text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private void answer(Click click, String text) {
        answer(click.channel(), click.user(), text);
    }

    private void answer(String channel, String user, String text) {
        try {
            poster.ephemeral(channel, user, text);
        } catch (SlackDeliveryException e) {
            LOG.warn("cannot answer {} in {}: {}", user, channel, e.getMessage());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
