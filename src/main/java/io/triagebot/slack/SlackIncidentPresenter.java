package io.triagebot.slack;

import io.triagebot.analysis.Format;
import io.triagebot.analysis.Report;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentPresenter;
import io.triagebot.incident.IncidentStatus;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.incident.Recollection;
import io.triagebot.probe.TargetException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Incident happenings as Slack messages for the incident thread. */
public final class SlackIncidentPresenter implements IncidentPresenter {

    private final SlackReportRenderer renderer;
    private final Clock clock;

    public SlackIncidentPresenter(Clock clock) {
        this(clock, null);
    }

    /** @param offers the deep-dive buttons under findings; null for none */
    SlackIncidentPresenter(Clock clock, DeepDiveOffers offers) {
        this.clock = clock;
        this.renderer = new SlackReportRenderer(offers);
    }

    @Override
    public OutgoingMessage anchorCollecting(Incident incident) {
        return MessageCodec.message(OutboxKind.ANCHOR, AnchorMessages.collecting(incident));
    }

    @Override
    public OutgoingMessage anchorDone(Incident incident, Report report) {
        return MessageCodec.message(OutboxKind.UPDATE_ANCHOR, AnchorMessages.done(incident, report));
    }

    @Override
    public OutgoingMessage anchorFailed(Incident incident, TargetException.Kind kind, String message) {
        return MessageCodec.message(OutboxKind.UPDATE_ANCHOR, AnchorMessages.failed(incident, kind, message));
    }

    @Override
    public OutgoingMessage anchorResolved(Incident incident) {
        return MessageCodec.message(OutboxKind.UPDATE_ANCHOR, AnchorMessages.resolved(incident));
    }

    @Override
    public List<OutgoingMessage> summary(Incident incident, Report report) {
        return renderer.render(report, incident.id()).stream().map(m -> MessageCodec.message(OutboxKind.REPLY, m)).toList();
    }

    @Override
    public OutgoingMessage failure(Incident incident, TargetException.Kind kind, String message) {
        return reply(":warning: *" + TargetAdvice.label(kind) + "*: " + Mrkdwn.escape(message) + "\n*What to check:* "
                + TargetAdvice.whatToCheck(kind));
    }

    @Override
    public OutgoingMessage recall(Incident incident, List<Recollection> past) {
        StringBuilder s = new StringBuilder(":brain: *Seen before*");
        for (Recollection r : past) {
            Incident p = r.incident();
            s.append("\n• *").append(p.id()).append("* on ").append(Mrkdwn.code(p.host())).append(", ")
                    .append(Format.duration(Duration.between(p.openedAt(), clock.instant()).toSeconds())).append(" ago, ")
                    .append(Mrkdwn.escape(p.pattern())).append(p.severity() == null ? "" : " (" + p.severity() + ")");
            if (!r.actionsThatWorked().isEmpty()) {
                s.append(", resolved by ").append(String.join(", ", r.actionsThatWorked().stream().map(Mrkdwn::code)
                        .toList()));
            } else if (p.status() == IncidentStatus.RESOLVED) {
                s.append(", resolved");
            } else {
                s.append(", still open");
            }
            if (p.resolution() != null) {
                s.append(": _").append(Mrkdwn.escape(p.resolution())).append('_');
            }
        }
        return reply(s.toString());
    }

    @Override
    public OutgoingMessage note(Incident incident, String user, String text) {
        return reply(":memo: Note from " + SlackIds.mention(user) + ": " + Mrkdwn.escape(text));
    }

    @Override
    public OutgoingMessage resolved(Incident incident, String user, String note) {
        return reply(":white_check_mark: *" + incident.id() + " resolved* by " + SlackIds.mention(user)
                + (note == null ? "" : ": " + Mrkdwn.escape(note)));
    }

    @Override
    public OutgoingMessage interrupted(Incident incident) {
        return reply(":warning: The triage of " + Mrkdwn.code(incident.host()) + " was interrupted by a bot restart"
                + " before it finished. Run `/triage " + Mrkdwn.escape(incident.host()) + "` again.");
    }

    @Override
    public OutgoingMessage timelineFile(Incident incident, String markdown) {
        return MessageCodec.upload(new MessageCodec.Upload(incident.id() + "-postmortem.md",
                incident.id() + " postmortem (" + Mrkdwn.escape(incident.host()) + ")", markdown,
                ":page_facing_up: Timeline of " + incident.id() + " as a postmortem draft."));
    }

    /** A thread reply: long text (a note, a resolution, quoted past resolutions) continues in further sections. */
    private static OutgoingMessage reply(String mrkdwn) {
        return MessageCodec.message(OutboxKind.REPLY, new SlackMessage(Mrkdwn.fallback(mrkdwn),
                SectionSplitter.sections(mrkdwn, SlackLimits.BLOCKS)));
    }
}
