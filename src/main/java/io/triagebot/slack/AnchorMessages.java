package io.triagebot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import io.triagebot.analysis.Report;
import io.triagebot.incident.Incident;
import io.triagebot.probe.TargetException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The anchor message that starts an incident thread: incident id, host, who asked, when, and the
 * status, updated in place as the incident moves. It carries the timeline and resolve buttons, whose
 * value is the incident id and nothing else.
 */
final class AnchorMessages {

    static final String TIMELINE_ACTION = "incident_timeline";
    static final String RESOLVE_ACTION = "incident_resolve";

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private AnchorMessages() {
    }

    static SlackMessage collecting(Incident i) {
        return message(label(i) + " triage of " + Mrkdwn.escape(i.host()) + " requested: collecting",
                ":hourglass_flowing_sand: *" + label(i) + " · triage of " + Mrkdwn.code(i.host()) + "*\n"
                        + who(i) + " · status: *collecting*", i, false);
    }

    static SlackMessage done(Incident i, Report report) {
        String line = SlackReportRenderer.emoji(report.severity()) + " *" + label(i) + " · " + report.severity()
                + "* · " + Mrkdwn.code(i.host()) + ": " + Mrkdwn.escape(report.headline());
        return message(i.id() + " " + SlackReportRenderer.fallback(report), line + "\n" + who(i) + " · status: *triaged*, "
                + report.findings().size() + " finding" + (report.findings().size() == 1 ? "" : "s")
                + " (details in the thread)", i, true);
    }

    static SlackMessage failed(Incident i, TargetException.Kind kind, String message) {
        return message(i.id() + " triage of " + Mrkdwn.escape(i.host()) + " failed: " + Mrkdwn.escape(message),
                ":warning: *" + label(i) + " · " + TargetAdvice.label(kind) + "* · " + Mrkdwn.code(i.host()) + ": "
                        + Mrkdwn.escape(message) + "\n" + who(i) + " · status: *failed* (what to check is in the thread)",
                i, true);
    }

    /** The anchor shows the start of the resolution; the whole of it is in the thread. */
    static SlackMessage resolved(Incident i) {
        String severity = i.severity() == null ? "" : " · was " + i.severity();
        return message(i.id() + " resolved", ":white_check_mark: *" + label(i) + " · RESOLVED" + severity + "* · "
                + Mrkdwn.code(i.host()) + (i.headline() == null ? "" : ": " + Mrkdwn.escape(i.headline())) + "\n"
                + who(i) + " · resolved by " + SlackIds.mention(i.resolvedBy())
                + (i.resolution() == null ? "" : ": " + Mrkdwn.clip(Mrkdwn.escape(i.resolution()), RESOLUTION_CHARS)),
                i, false);
    }

    /** How much of a resolution the anchor quotes. */
    static final int RESOLUTION_CHARS = 500;

    private static String label(Incident i) {
        return i.id() == null ? "new incident" : i.id().toString();
    }

    private static String who(Incident i) {
        Instant at = i.openedAt();
        return "requested by " + SlackIds.mention(i.requestedBy()) + " at <!date^" + at.getEpochSecond()
                + "^{date_short_pretty} {time_secs}|" + UTC.format(at) + ">";
    }

    private static SlackMessage message(String text, String mrkdwn, Incident i, boolean resolveButton) {
        // The anchor's own text is short, but headlines and messages come from the host: split, never cut.
        List<LayoutBlock> blocks = new ArrayList<>(SectionSplitter.sections(mrkdwn, SlackLimits.BLOCKS - 1));
        if (i.id() != null) {
            String value = i.id().toString();
            List<com.slack.api.model.block.element.BlockElement> buttons = new ArrayList<>();
            buttons.add(button(b -> b.actionId(TIMELINE_ACTION).text(plainText("Timeline")).value(value)));
            if (resolveButton) {
                buttons.add(button(b -> b.actionId(RESOLVE_ACTION).text(plainText("Resolve")).value(value)
                        .style("primary")));
            }
            blocks.add(actions(a -> a.elements(buttons)));
        }
        return new SlackMessage(Mrkdwn.clip(text, Mrkdwn.FALLBACK_CHARS), blocks);
    }
}
