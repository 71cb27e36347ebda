package io.triagebot.slack;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

import io.triagebot.analysis.Report;
import io.triagebot.probe.TargetException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The anchor message that starts an incident thread: which host, who asked, when, and the status, updated
 * in place once the triage is done.
 */
final class AnchorMessages {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private AnchorMessages() {
    }

    static SlackMessage collecting(String host, String user, Instant requested) {
        String text = "Triage of " + host + " requested: collecting";
        return message(text, ":hourglass_flowing_sand: *Triage of " + Mrkdwn.code(host) + "*\n" + who(user, requested)
                + " · status: *collecting*");
    }

    static SlackMessage done(String host, String user, Instant requested, Report report) {
        String line = SlackReportRenderer.emoji(report.severity()) + " *" + report.severity() + "* · "
                + Mrkdwn.code(host) + ": " + Mrkdwn.escape(report.headline());
        return message(SlackReportRenderer.fallback(report),
                line + "\n" + who(user, requested) + " · status: *done*, "
                        + report.findings().size() + " finding" + (report.findings().size() == 1 ? "" : "s")
                        + " (details in the thread)");
    }

    static SlackMessage failed(String host, String user, Instant requested, TargetException.Kind kind, String message) {
        return message("Triage of " + host + " failed: " + message, ":warning: *" + TargetAdvice.label(kind) + "* · "
                + Mrkdwn.code(host) + ": " + Mrkdwn.escape(message) + "\n" + who(user, requested)
                + " · status: *failed* (what to check is in the thread)");
    }

    private static String who(String user, Instant requested) {
        return "requested by " + SlackIds.mention(user) + " at <!date^" + requested.getEpochSecond()
                + "^{date_short_pretty} {time_secs}|" + UTC.format(requested) + ">";
    }

    private static SlackMessage message(String text, String mrkdwn) {
        return new SlackMessage(text, List.of(section(s -> s.text(markdownText(mrkdwn)))));
    }
}
