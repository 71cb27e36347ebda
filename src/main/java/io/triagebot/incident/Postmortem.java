package io.triagebot.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * An incident as a Markdown postmortem a reviewer can read cold: summary, UTC timeline, findings with
 * their evidence, actions with who approved them and what they did. Everything that came from a host or a
 * person goes through {@link MarkdownText}, so no line of it can open a heading or close a code block.
 */
public final class Postmortem {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final Incident incident;
    private final List<TimelineEvent> timeline;

    public Postmortem(Incident incident, List<TimelineEvent> timeline) {
        this.incident = incident;
        this.timeline = timeline;
    }

    public String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(incident.id()).append(": ").append(MarkdownText.inline(incident.host()));
        if (incident.severity() != null) {
            s.append(" (").append(incident.severity()).append(')');
        }
        s.append("\n\n");
        s.append("| | |\n|---|---|\n");
        row(s, "Host", incident.host());
        row(s, "Opened", UTC.format(incident.openedAt()) + " by " + incident.requestedBy());
        row(s, "Status", incident.status().name());
        if (incident.resolvedAt() != null) {
            row(s, "Resolved", UTC.format(incident.resolvedAt()) + " by " + incident.resolvedBy() + " ("
                    + human(Duration.between(incident.openedAt(), incident.resolvedAt())) + " after opening)");
        }
        if (incident.headline() != null) {
            row(s, "Headline", incident.headline());
        }
        if (incident.resolution() != null) {
            row(s, "Resolution", incident.resolution());
        }
        s.append("\n## Timeline (UTC)\n\n| time | who | what | detail |\n|---|---|---|---|\n");
        for (TimelineEvent e : timeline) {
            s.append("| ").append(UTC.format(e.occurredAt())).append(" | ").append(cell(e.actor())).append(" | ")
                    .append(e.type().name().toLowerCase().replace('_', ' ')).append(" | ").append(cell(e.summary()))
                    .append(" |\n");
        }
        for (TimelineEvent e : timeline) {
            if (e.type() == EventType.FINDINGS && e.payload() != null) {
                findings(s, e);
            }
        }
        List<TimelineEvent> actions = timeline.stream().filter(e -> e.type().name().startsWith("ACTION_")).toList();
        if (!actions.isEmpty()) {
            s.append("\n## Actions\n\n");
            for (TimelineEvent e : actions) {
                s.append("- ").append(UTC.format(e.occurredAt())).append(" **")
                        .append(e.type().name().substring("ACTION_".length()).toLowerCase()).append("** by ")
                        .append(MarkdownText.inline(e.actor())).append(": ").append(MarkdownText.inline(e.summary()))
                        .append('\n');
                if (e.payload() != null) {
                    s.append('\n').append(MarkdownText.fenced(e.payload(), "  "));
                }
            }
        }
        return s.toString();
    }

    private void findings(StringBuilder s, TimelineEvent e) {
        JsonNode report;
        try {
            report = new ObjectMapper().readTree(e.payload());
        } catch (IOException ex) {
            return;
        }
        s.append("\n## Triage at ").append(UTC.format(e.occurredAt())).append(": ")
                .append(MarkdownText.inline(report.path("severity").asText())).append("\n\n")
                .append("Headline: ").append(MarkdownText.inline(report.path("headline").asText())).append("\n");
        JsonNode v = report.path("vitals");
        s.append("\nVitals: load ").append(v.path("load1").asText("n/a")).append(" on ").append(v.path("cpus").asText())
                .append(" CPUs, CPU busy ").append(v.path("cpuBusyPercent").asText("n/a")).append("%, iowait ")
                .append(v.path("cpuIowaitPercent").asText("n/a")).append("%, memory available ")
                .append(v.path("memAvailableKb").asText("n/a")).append(" kB, memory PSI full ")
                .append(v.path("memoryPressureFullPercent").asText("n/a")).append("%.\n");
        int i = 1;
        for (JsonNode f : report.path("findings")) {
            s.append("\n### ").append(i++).append(". ").append(MarkdownText.inline(f.path("pattern").asText()))
                    .append(" (").append(MarkdownText.inline(f.path("severity").asText())).append(", ")
                    .append(MarkdownText.inline(f.path("status").asText())).append(")\n\n")
                    .append(MarkdownText.inline(f.path("title").asText())).append(". Impact: ")
                    .append(MarkdownText.inline(f.path("impact").asText())).append("\n\n");
            for (JsonNode ev : f.path("evidence")) {
                s.append("- ").append(MarkdownText.inline(ev.asText())).append('\n');
            }
        }
        for (JsonNode esc : report.path("escalations")) {
            s.append("\n- Kernel log: ").append(MarkdownText.inline(esc.path("trigger").asText()))
                    .append(esc.path("recent").asBoolean() ? "" : " (old)").append(": ")
                    .append(MarkdownText.code(esc.path("line").asText())).append('\n');
        }
        if (report.path("unavailable").size() > 0) {
            s.append("\nNot measured: ");
            List<String> parts = new java.util.ArrayList<>();
            report.path("unavailable").forEach(u -> parts.add(MarkdownText.inline(u.path("probe").asText())));
            s.append(String.join(", ", parts)).append(".\n");
        }
    }

    private static void row(StringBuilder s, String k, String v) {
        s.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n");
    }

    private static String cell(String v) {
        return MarkdownText.inline(v);
    }

    private static String human(Duration d) {
        long m = d.toMinutes();
        return m < 120 ? m + " min" : d.toHours() + " h " + (m % 60) + " min";
    }
}
