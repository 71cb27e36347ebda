package io.triagebot.slack;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.LayoutBlock;
import io.triagebot.analysis.Escalation;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.KernelWarning;
import io.triagebot.analysis.KernelWarnings;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Unmeasured;
import io.triagebot.analysis.Vitals;
import io.triagebot.incident.IncidentId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A report as Block Kit messages for the incident thread, severity first. Every string that came from
 * the host is escaped. Nothing is cut: a section too long for one block continues in the next, and
 * blocks beyond one message's limit continue in further thread messages.
 */
public final class SlackReportRenderer {

    /** Deep-dive buttons under the findings they explain; null for none. */
    private final DeepDiveOffers offers;

    public SlackReportRenderer() {
        this(null);
    }

    SlackReportRenderer(DeepDiveOffers offers) {
        this.offers = offers;
    }

    public List<SlackMessage> render(Report r) {
        return render(r, null);
    }

    /** With {@code incident} set, findings a deep probe explains carry its buttons. */
    List<SlackMessage> render(Report r, IncidentId incident) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(emoji(r.severity()) + " " + r.severity() + " · "
                + Mrkdwn.clip(Mrkdwn.escape(r.host()), 100)))));
        sections(blocks, "*" + Mrkdwn.escape(r.headline()) + "*");
        if (!r.immediateActions().isEmpty()) {
            sections(blocks, ":rotating_light: *Immediate actions*\n" + r.immediateActions().stream()
                    .map(a -> "• " + Mrkdwn.escape(a)).collect(Collectors.joining("\n")));
        }
        sections(blocks, vitals(r));
        if (!r.findings().isEmpty()) {
            blocks.add(divider());
            sections(blocks, "*Findings, by impact*");
            int i = 1;
            for (Finding f : r.findings()) {
                sections(blocks, finding(i, f));
                if (offers != null && incident != null) {
                    offers.buttons(incident, i, f.pattern(), r.host()).ifPresent(blocks::add);
                }
                i++;
            }
        }
        if (!r.escalations().isEmpty()) {
            blocks.add(divider());
            sections(blocks, escalations(r.escalations()));
        }
        if (!r.kernelWarnings().isEmpty()) {
            blocks.add(divider());
            sections(blocks, kernelWarnings(r.kernelWarnings()));
        }
        if (!r.unavailable().isEmpty() || !r.notes().isEmpty()) {
            blocks.add(divider());
            sections(blocks, notMeasured(r));
        }
        blocks.add(context(c -> c.elements(List.of(markdownText(footer(r))))));
        return pack(fallback(r), blocks);
    }

    /** The anchor's summary line once the triage is done: severity and headline, escaped like the blocks. */
    public static String fallback(Report r) {
        return Mrkdwn.clip(r.severity() + " " + Mrkdwn.escape(r.host()) + ": " + Mrkdwn.escape(r.headline()),
                Mrkdwn.FALLBACK_CHARS);
    }

    static String emoji(Severity s) {
        return switch (s) {
            case CRITICAL -> ":red_circle:";
            case HIGH -> ":large_orange_circle:";
            case MEDIUM -> ":large_yellow_circle:";
            case LOW -> ":large_green_circle:";
        };
    }

    private static String vitals(Report r) {
        Vitals v = r.vitals();
        return "*Vitals*\n"
                + "• load " + Format.decimal(v.load1()) + " / " + Format.decimal(v.load5()) + " / "
                + Format.decimal(v.load15()) + " on " + v.cpus() + " CPUs; runnable " + count(v.runnable())
                + ", blocked (D) " + count(v.blocked()) + "\n"
                + "• CPU " + Format.percent(v.cpuUserPercent()) + " user, " + Format.percent(v.cpuSystemPercent())
                + " system, " + Format.percent(v.cpuIowaitPercent()) + " iowait, " + Format.percent(v.cpuStealPercent())
                + " steal, " + Format.percent(v.cpuIdlePercent()) + " idle\n"
                + "• memory " + kb(v.memAvailableKb()) + " available of " + kb(v.memTotalKb()) + "; swap "
                + kb(v.swapUsedKb()) + " used of " + kb(v.swapTotalKb()) + ", in " + Format.count(v.swapInPagesPerSecond())
                + " / out " + Format.count(v.swapOutPagesPerSecond()) + " pages/s\n"
                + "• pressure: CPU some " + Format.percent(v.cpuPressureSome()) + "; memory some "
                + Format.percent(v.memoryPressureSome()) + ", full " + Format.percent(v.memoryPressureFull())
                + "; I/O some " + Format.percent(v.ioPressureSome()) + ", full " + Format.percent(v.ioPressureFull());
    }

    private static String finding(int index, Finding f) {
        StringBuilder s = new StringBuilder();
        s.append(emoji(f.severity())).append(" *").append(index).append(". ").append(f.severity()).append(" · ")
                .append(f.status()).append(" · ").append(Mrkdwn.escape(f.pattern())).append("*\n")
                .append(Mrkdwn.escape(f.title())).append('\n')
                .append("*Impact:* ").append(Mrkdwn.escape(f.impact()));
        if (!f.evidence().isEmpty()) {
            s.append("\n*Evidence:*");
            f.evidence().forEach(e -> s.append("\n• ").append(Mrkdwn.escape(e)));
        }
        if (!f.nextCommands().isEmpty()) {
            s.append("\n*Next, to ").append(f.status() == io.triagebot.analysis.Status.HYPOTHESIS ? "confirm" : "dig deeper")
                    .append(":*");
            f.nextCommands().forEach(c -> s.append("\n• ").append(Mrkdwn.code(c)));
        }
        if (!f.runbooks().isEmpty()) {
            s.append("\n*Short term:*");
            for (RunbookSuggestion rb : f.runbooks()) {
                s.append("\n• ").append(Mrkdwn.code(rb.id() + rb.parameters().entrySet().stream()
                        .map(e -> " " + e.getKey() + "=" + e.getValue()).collect(Collectors.joining())))
                        .append(" ").append(Mrkdwn.escape(rb.reason()));
            }
        }
        if (f.longTermFix() != null) {
            s.append("\n*Long term:* ").append(Mrkdwn.escape(f.longTermFix()));
        }
        return s.toString();
    }

    private static String escalations(List<Escalation> escalations) {
        StringBuilder s = new StringBuilder("*Kernel log escalations*");
        for (Escalation e : escalations) {
            s.append("\n• ").append(e.recent() ? emoji(e.severity()) + " *" + e.trigger() + "*" : "_old_ " + e.trigger())
                    .append(" (").append(Format.duration(e.ageSeconds())).append(" ago")
                    .append(e.count() > 1 ? ", " + e.count() + " lines" : "").append("): ")
                    .append(Mrkdwn.code(e.line()));
            if (e.recent()) {
                s.append("\n   ").append(Mrkdwn.escape(e.advice()));
            }
        }
        return s.toString();
    }

    private static String kernelWarnings(KernelWarnings warnings) {
        StringBuilder s = new StringBuilder("*Other kernel warnings*");
        for (KernelWarning w : warnings.shown()) {
            s.append("\n• ").append(w.levelName()).append(", ").append(w.count()).append(" x, newest ")
                    .append(Format.duration(w.ageSeconds())).append(" ago: ").append(Mrkdwn.code(w.line()));
        }
        if (warnings.moreTemplates() > 0) {
            s.append("\n• ").append(warnings.moreTemplates()).append(" more (").append(warnings.moreLines())
                    .append(" lines)");
        }
        return s.toString();
    }

    private static String notMeasured(Report r) {
        StringBuilder s = new StringBuilder("*Not measured*");
        r.notes().forEach(n -> s.append("\n• ").append(Mrkdwn.escape(n)));
        for (Unmeasured u : r.unavailable()) {
            s.append("\n• ").append(Mrkdwn.code(u.probe())).append(": ").append(Mrkdwn.escape(u.reason()));
        }
        return s.toString();
    }

    private static String footer(Report r) {
        return Mrkdwn.escape((r.hostname() == null ? r.host() : r.hostname()) + " · kernel " + r.kernel()
                + " · window " + Format.decimal(r.windowSeconds()) + " s · collected in " + r.collectionMillis()
                + " ms");
    }

    private static void sections(List<LayoutBlock> blocks, String mrkdwn) {
        for (String piece : SectionSplitter.split(mrkdwn, SlackMessage.MAX_SECTION_CHARS)) {
            blocks.add(section(s -> s.text(markdownText(piece))));
        }
    }

    /** Puts blocks into as many messages as needed; later ones say which part they are. */
    static List<SlackMessage> pack(String text, List<LayoutBlock> blocks) {
        int perMessage = SlackMessage.MAX_BLOCKS - 1;
        int parts = (blocks.size() + perMessage - 1) / perMessage;
        if (parts <= 1) {
            return List.of(new SlackMessage(text, blocks));
        }
        List<SlackMessage> out = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            List<LayoutBlock> chunk = new ArrayList<>(blocks.subList(p * perMessage,
                    Math.min(blocks.size(), (p + 1) * perMessage)));
            String label = "part " + (p + 1) + " of " + parts;
            chunk.add(0 == p ? chunk.size() : 0, context(c -> c.elements(List.of(markdownText("_" + label + "_")))));
            out.add(new SlackMessage(text + " (" + label + ")", chunk));
        }
        return out;
    }

    private static String kb(long kb) {
        return kb < 0 ? "n/a" : Format.bytes(kb * 1024.0);
    }

    private static String count(int v) {
        return v < 0 ? "n/a" : Integer.toString(v);
    }
}
