package io.triagebot.cli;

import io.triagebot.analysis.Escalation;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.KernelWarning;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.analysis.Unmeasured;
import io.triagebot.analysis.Vitals;
import java.util.stream.Collectors;

/**
 * The report as plain text for a terminal, severity first: line 1 is the severity word and the headline.
 * Text from the host (process names, log lines) is printed with control characters replaced, so a
 * hostile process name cannot rewrite the terminal. Colour, when on, only ever wraps words of our own (the
 * severities and headings), never host text.
 */
final class TerminalRenderer {

    private final Colour colour;

    TerminalRenderer(Colour colour) {
        this.colour = colour;
    }

    String render(Report r) {
        StringBuilder s = new StringBuilder(4096);
        s.append(colour.severity(r.severity())).append("  ").append(r.host()).append(": ")
                .append(clean(r.headline())).append('\n');
        if (!r.immediateActions().isEmpty()) {
            s.append('\n').append(colour.heading("IMMEDIATE ACTIONS")).append('\n');
            for (String a : r.immediateActions()) {
                s.append("  ! ").append(clean(a)).append('\n');
            }
        }
        s.append('\n').append(colour.heading("VITALS"));
        if (r.hostname() != null) {
            s.append("  (").append(clean(r.hostname())).append(", kernel ").append(clean(String.valueOf(r.kernel())))
                    .append(", window ").append(Format.decimal(r.windowSeconds())).append(" s)");
        }
        s.append('\n');
        vitals(s, r.vitals());
        if (!r.findings().isEmpty()) {
            s.append('\n').append(colour.heading("FINDINGS (by impact)")).append('\n');
            int i = 1;
            for (Finding f : r.findings()) {
                s.append(String.format("%2d. [%s, %s] %s: %s%n", i++, colour.severity(f.severity()), f.status(),
                        f.pattern(), clean(f.title())));
                s.append("    impact:   ").append(clean(f.impact())).append('\n');
                for (String e : f.evidence()) {
                    s.append("    evidence: ").append(clean(e)).append('\n');
                }
                for (String c : f.nextCommands()) {
                    s.append("    next:     ").append(clean(c)).append('\n');
                }
                for (RunbookSuggestion rb : f.runbooks()) {
                    s.append("    runbook:  ").append(rb.id());
                    if (!rb.parameters().isEmpty()) {
                        s.append(rb.parameters().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(" ", " ", "")));
                    }
                    s.append(" - ").append(clean(rb.reason())).append('\n');
                }
                if (f.longTermFix() != null) {
                    s.append("    long term: ").append(clean(f.longTermFix())).append('\n');
                }
            }
        }
        if (!r.escalations().isEmpty()) {
            s.append('\n').append(colour.heading("KERNEL LOG ESCALATIONS")).append('\n');
            for (Escalation e : r.escalations()) {
                s.append("  ").append(e.recent() ? "[" + colour.severity(e.severity()) + "] " : "[old] ")
                        .append(e.trigger())
                        .append(" (").append(Format.duration(e.ageSeconds())).append(" ago")
                        .append(e.count() > 1 ? ", " + e.count() + " lines" : "").append("): ")
                        .append(clean(e.line())).append('\n');
                if (e.recent()) {
                    s.append("      ").append(e.advice()).append('\n');
                }
            }
        }
        if (!r.kernelWarnings().isEmpty()) {
            s.append('\n').append(colour.heading("OTHER KERNEL WARNINGS")).append('\n');
            for (KernelWarning w : r.kernelWarnings().shown()) {
                s.append("  [").append(w.levelName()).append("] ").append(w.count()).append(" x, newest ")
                        .append(Format.duration(w.ageSeconds())).append(" ago: ").append(clean(w.line())).append('\n');
            }
            if (r.kernelWarnings().moreTemplates() > 0) {
                s.append("  ... ").append(r.kernelWarnings().moreTemplates()).append(" more (")
                        .append(r.kernelWarnings().moreLines()).append(" lines)\n");
            }
        }
        if (!r.unavailable().isEmpty() || !r.notes().isEmpty()) {
            s.append('\n').append(colour.heading("NOT MEASURED")).append('\n');
            for (String n : r.notes()) {
                s.append("  - ").append(clean(n)).append('\n');
            }
            for (Unmeasured u : r.unavailable()) {
                s.append("  - ").append(u.probe()).append(": ").append(clean(u.reason())).append('\n');
            }
        }
        return s.toString();
    }

    private static void vitals(StringBuilder s, Vitals v) {
        s.append(String.format("  load      %s %s %s on %d CPUs; runnable %s, blocked (D) %s%n",
                Format.decimal(v.load1()), Format.decimal(v.load5()), Format.decimal(v.load15()), v.cpus(),
                count(v.runnable()), count(v.blocked())));
        s.append(String.format("  cpu       %s user, %s system, %s iowait, %s steal, %s idle%n",
                Format.percent(v.cpuUserPercent()), Format.percent(v.cpuSystemPercent()),
                Format.percent(v.cpuIowaitPercent()), Format.percent(v.cpuStealPercent()),
                Format.percent(v.cpuIdlePercent())));
        s.append(String.format("  memory    %s available of %s; swap %s used of %s, in %s / out %s pages/s%n",
                kb(v.memAvailableKb()), kb(v.memTotalKb()), kb(v.swapUsedKb()), kb(v.swapTotalKb()),
                Format.count(v.swapInPagesPerSecond()), Format.count(v.swapOutPagesPerSecond())));
        s.append(String.format("  pressure  cpu some %s; memory some %s full %s; io some %s full %s%n",
                Format.percent(v.cpuPressureSome()), Format.percent(v.memoryPressureSome()),
                Format.percent(v.memoryPressureFull()), Format.percent(v.ioPressureSome()),
                Format.percent(v.ioPressureFull())));
        s.append(String.format("  scheduler %s context switches/s, %s interrupts/s%n",
                Format.count(v.contextSwitchesPerSecond()), Format.count(v.interruptsPerSecond())));
    }

    private static String kb(long kb) {
        return kb < 0 ? "n/a" : Format.bytes(kb * 1024.0);
    }

    private static String count(int v) {
        return v < 0 ? "n/a" : Integer.toString(v);
    }

    /** Replaces control characters (ESC and friends) so host data cannot drive the terminal. */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c));
        return out.toString();
    }
}
