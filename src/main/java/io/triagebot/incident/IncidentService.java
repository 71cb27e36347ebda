package io.triagebot.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.analysis.Escalation;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.ReportJson;
import io.triagebot.analysis.Severity;
import io.triagebot.probe.TargetException;
import io.triagebot.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The incident use cases. Every change is an event stored with the messages it causes (through the
 * presenter) before anything is sent; the outbox delivers them.
 */
public final class IncidentService {

    /** How many past incidents a triage mentions. */
    static final int RECALL_LIMIT = 3;

    private final IncidentStore store;
    private final IncidentPresenter presenter;
    private final Clock clock;
    private final Set<String> recallShared;
    private final ReportJson json = new ReportJson(new ObjectMapper());

    /** Recall stays within each incident's own channel. */
    public IncidentService(IncidentStore store, IncidentPresenter presenter, Clock clock) {
        this(store, presenter, clock, Set.of());
    }

    /**
     * @param recallShared channels whose incidents recall may quote in one another ("seen before"); any
     *     other channel's recall sees only its own incidents
     */
    public IncidentService(IncidentStore store, IncidentPresenter presenter, Clock clock, Set<String> recallShared) {
        this.store = store;
        this.presenter = presenter;
        this.clock = clock;
        this.recallShared = Set.copyOf(recallShared);
    }

    /** The channels whose incidents may be quoted to {@code channel}. */
    Set<String> recallChannels(String channel) {
        if (!recallShared.contains(channel)) {
            return Set.of(channel);
        }
        return recallShared;
    }

    public IncidentStore store() {
        return store;
    }

    /** A triage was asked for: a new incident, its anchor queued. */
    public Incident open(String channel, String user, String host) throws StoreException {
        return store.open(channel, user, host, clock.instant(), "triage of " + host + " requested by " + user,
                presenter::anchorCollecting);
    }

    /** The triage produced a report: snapshot, recall, findings and escalations, then the anchor updated. */
    public void recordReport(IncidentId id, Report report) throws StoreException {
        Incident incident = require(id);
        Instant now = clock.instant();
        store.append(id, EventType.SNAPSHOT_COLLECTED, TimelineEvent.BOT, report.collectedAt(),
                "snapshot of " + report.host() + " collected in " + report.collectionMillis() + " ms ("
                        + report.unavailable().size() + " probes unavailable)", null, List.of());
        String pattern = report.findings().isEmpty() ? null : report.findings().get(0).pattern();
        String fingerprint = fingerprint(report);
        // Look up the past first, so the recall is ready the moment the summary is out; it follows the
        // summary in the thread, which always opens with the severity.
        List<Recollection> past = recall(incident, pattern);
        store.recordTriage(id, report.severity().name(), report.headline(), pattern, fingerprint);
        Incident updated = require(id);
        List<OutgoingMessage> messages = new ArrayList<>(presenter.summary(updated, report));
        messages.add(presenter.anchorDone(updated, report));
        store.append(id, EventType.FINDINGS, TimelineEvent.BOT, now, report.severity() + ": " + report.headline()
                + " (" + report.findings().size() + " findings)", json.toJson(report).toString(), messages);
        if (!past.isEmpty()) {
            store.append(id, EventType.RECALLED, TimelineEvent.BOT, now, "seen before: " + past.stream()
                    .map(r -> r.incident().id().toString()).reduce((a, b) -> a + ", " + b).orElse(""), null,
                    List.of(presenter.recall(incident, past)));
        }
        for (Escalation e : report.escalations()) {
            if (e.recent()) {
                store.append(id, EventType.ESCALATION, TimelineEvent.BOT, now, e.trigger() + ": " + e.line(), null,
                        List.of());
            }
        }
    }

    /** The host could not be triaged. */
    public void recordFailure(IncidentId id, TargetException.Kind kind, String message) throws StoreException {
        Incident incident = require(id);
        store.append(id, EventType.TRIAGE_FAILED, TimelineEvent.BOT, clock.instant(), kind + ": " + message, null,
                List.of(presenter.failure(incident, kind, message), presenter.anchorFailed(incident, kind, message)));
    }

    /** A stop cut a triage short; say so in its thread so nobody waits for it. */
    public void recordInterrupted(IncidentId id) throws StoreException {
        Incident incident = require(id);
        store.append(id, EventType.TRIAGE_INTERRUPTED, TimelineEvent.BOT, clock.instant(),
                "triage interrupted by a bot restart", null, List.of(presenter.interrupted(incident)));
    }

    public void note(IncidentId id, String user, String text) throws StoreException {
        Incident incident = require(id);
        store.append(id, EventType.NOTE, user, clock.instant(), text, null,
                List.of(presenter.note(incident, user, text)));
    }

    /** @return false when it was already resolved */
    public boolean resolve(IncidentId id, String user, String note) throws StoreException {
        Incident incident = require(id);
        Instant now = clock.instant();
        Incident resolved = new Incident(incident.id(), incident.channel(), incident.anchorTs(), incident.host(),
                incident.requestedBy(), incident.openedAt(), IncidentStatus.RESOLVED, incident.severity(),
                incident.headline(), incident.pattern(), incident.fingerprint(), now, user, note);
        return store.resolve(id, user, now, note, "resolved by " + user + (note == null ? "" : ": " + note),
                List.of(presenter.resolved(resolved, user, note), presenter.anchorResolved(resolved)));
    }

    /** The postmortem, stored as an event and uploaded into the thread; returns the Markdown. */
    public String exportTimeline(IncidentId id, String user) throws StoreException {
        Incident incident = require(id);
        String markdown = new Postmortem(incident, store.timeline(id)).markdown();
        store.append(id, EventType.TIMELINE_EXPORTED, user, clock.instant(), "timeline exported by " + user, null,
                List.of(presenter.timelineFile(incident, markdown)));
        return markdown;
    }

    public Optional<Incident> find(IncidentId id) throws StoreException {
        return store.find(id);
    }

    private List<Recollection> recall(Incident incident, String pattern) throws StoreException {
        List<Recollection> out = new ArrayList<>();
        for (Incident past : store.similar(incident.host(), pattern, incident.id(),
                recallChannels(incident.channel()), RECALL_LIMIT)) {
            List<String> worked = new ArrayList<>();
            for (TimelineEvent e : store.events(past.id(), EventType.ACTION_VERIFIED)) {
                worked.add(e.summary());
            }
            out.add(new Recollection(past, past.host().equals(incident.host()),
                    pattern != null && pattern.equals(past.pattern()), worked));
        }
        return out;
    }

    private Incident require(IncidentId id) throws StoreException {
        return store.find(id).orElseThrow(() -> new StoreException("no incident " + id, null));
    }

    /** The patterns that matter, sorted: two incidents with the same fingerprint looked the same. */
    static String fingerprint(Report report) {
        TreeSet<String> patterns = new TreeSet<>();
        for (Finding f : report.findings()) {
            if (f.severity().atLeast(Severity.MEDIUM)) {
                patterns.add(f.pattern());
            }
        }
        return String.join(",", patterns);
    }
}
