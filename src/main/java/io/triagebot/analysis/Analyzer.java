package io.triagebot.analysis;

import io.triagebot.analysis.detectors.UnexplainedVitals;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.PressureShare;
import io.triagebot.snapshot.LoadAvg;
import io.triagebot.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a snapshot into a severity-first report: metrics once, every detector, the kernel log triggers,
 * then ordering by impact. Knows nothing of SSH or Slack.
 */
public final class Analyzer {

    /** Findings order: worst severity, then confirmed before hypothesis, then larger impact score. */
    static final Comparator<Finding> BY_IMPACT = Comparator.comparing(Finding::severity).reversed()
            .thenComparing(Finding::status)
            .thenComparing(Comparator.comparingDouble(Finding::score).reversed());

    private final List<Detector> detectors;
    private final EscalationScanner escalations;
    private final Thresholds thresholds;

    public Analyzer(List<Detector> detectors, Thresholds thresholds) {
        this.detectors = List.copyOf(detectors);
        this.thresholds = thresholds;
        this.escalations = new EscalationScanner(thresholds);
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public Report analyze(Snapshot snapshot) {
        long start = System.nanoTime();
        Metrics metrics = Metrics.of(snapshot);
        AnalysisContext context = new AnalysisContext(snapshot, metrics, thresholds);
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>(snapshot.notes());
        for (Detector d : detectors) {
            try {
                findings.addAll(d.detect(context));
            } catch (RuntimeException e) {
                // One broken detector must not sink the report: say so and carry on.
                notes.add("detector " + d.pattern() + " failed: " + e);
            }
        }
        try {
            findings.addAll(UnexplainedVitals.account(context, findings));
        } catch (RuntimeException e) {
            notes.add("accounting for the vitals failed: " + e);
        }
        findings.sort(BY_IMPACT);
        List<Escalation> escalated = escalations.scan(snapshot.gauges().kernelLog(), snapshot.uptimeSeconds());
        KernelWarnings warnings = escalations.warnings(snapshot.gauges().kernelLog(), snapshot.uptimeSeconds());
        if (!warnings.levelsKnown()) {
            notes.add("the kernel log carried no levels (journal fallback or plain dmesg): other kernel warnings"
                    + " could not be told apart and are not listed");
        }
        Severity severity = warnings.severity();
        for (Finding f : findings) {
            severity = Severity.max(severity, f.severity());
        }
        for (Escalation e : escalated) {
            if (e.recent()) {
                severity = Severity.max(severity, e.severity());
            }
        }
        Vitals vitals = vitals(snapshot, metrics);
        List<Unmeasured> unavailable = new ArrayList<>();
        snapshot.unavailable().forEach((probe, reason) -> unavailable.add(new Unmeasured(probe, reason)));
        if (!snapshot.hasSecondSample()) {
            notes.add("only one sample was taken: rates (CPU split, swapping, I/O, network) could not be measured");
        }
        return new Report(snapshot.target(), severity, headline(findings, escalated, vitals),
                immediateActions(severity, findings, escalated), vitals, List.copyOf(findings), escalated,
                List.copyOf(unavailable), List.copyOf(notes), snapshot.hostname(), snapshot.kernel(),
                snapshot.collectedAt(), snapshot.windowSeconds(), snapshot.collectionTime().toMillis(),
                (System.nanoTime() - start) / 1000, warnings);
    }

    private static String headline(List<Finding> findings, List<Escalation> escalated, Vitals v) {
        Escalation recentWorst = escalated.stream().filter(Escalation::recent)
                .max(Comparator.comparing(Escalation::severity)).orElse(null);
        Finding worst = findings.isEmpty() ? null : findings.get(0);
        if (recentWorst != null && (worst == null || recentWorst.severity().compareTo(worst.severity()) > 0)) {
            return "Kernel log: " + recentWorst.trigger() + " - " + Format.clip(recentWorst.line(), 120);
        }
        if (worst != null && worst.severity().atLeast(Severity.MEDIUM)) {
            return worst.title() + ": " + worst.impact();
        }
        StringBuilder s = new StringBuilder("No significant problem found: ");
        s.append("load ").append(Format.decimal(v.load1())).append(" on ").append(v.cpus()).append(" CPUs");
        if (!Double.isNaN(v.cpuBusyPercent())) {
            s.append(", CPU ").append(Format.percent(v.cpuBusyPercent())).append(" busy");
        }
        if (v.memAvailableKb() >= 0 && v.memTotalKb() > 0) {
            s.append(", ").append(Format.bytes(v.memAvailableKb() * 1024)).append(" of ")
                    .append(Format.bytes(v.memTotalKb() * 1024)).append(" memory available");
        }
        if (worst != null) {
            s.append("; ").append(findings.size()).append(" low-severity note").append(findings.size() == 1 ? "" : "s");
        }
        return s.toString();
    }

    private static List<String> immediateActions(Severity severity, List<Finding> findings, List<Escalation> escalated) {
        List<String> actions = new ArrayList<>();
        if (severity != Severity.CRITICAL) {
            return actions;
        }
        for (Finding f : findings) {
            if (f.severity() != Severity.CRITICAL) {
                continue;
            }
            if (f.runbooks().isEmpty()) {
                actions.add("Stabilise " + f.pattern() + ": " + f.longTermFix());
            } else {
                RunbookSuggestion r = f.runbooks().get(0);
                actions.add("Stabilise " + f.pattern() + ": " + r.reason() + " (runbook " + r.id() + ")");
            }
        }
        for (Escalation e : escalated) {
            if (e.recent() && e.severity() == Severity.CRITICAL) {
                actions.add("Escalate " + e.trigger() + ": " + e.advice());
            }
        }
        return actions;
    }

    private static Vitals vitals(Snapshot s, Metrics m) {
        LoadAvg load = s.gauges().loadavg();
        CpuMetrics cpu = m.cpu();
        CpuMetrics.Split t = cpu == null ? null : cpu.total();
        var mem = m.memory();
        return new Vitals(
                m.cpuCount(),
                load == null ? Double.NaN : load.one(),
                load == null ? Double.NaN : load.five(),
                load == null ? Double.NaN : load.fifteen(),
                t == null ? Double.NaN : t.user() + t.nice(),
                t == null ? Double.NaN : t.system() + t.irq() + t.softirq(),
                t == null ? Double.NaN : t.iowait(),
                t == null ? Double.NaN : t.steal(),
                t == null ? Double.NaN : t.idle(),
                t == null ? Double.NaN : t.busy(),
                cpu == null ? (s.first().stat() == null ? -1 : Math.max(0, s.first().stat().procsRunning() - 1))
                        : cpu.runnable(),
                cpu == null ? (s.first().stat() == null ? -1 : s.first().stat().procsBlocked()) : cpu.blocked(),
                mem == null ? -1 : mem.totalKb(),
                mem == null ? -1 : mem.availableKb(),
                mem == null ? -1 : mem.swapTotalKb(),
                mem == null ? -1 : mem.swapUsedKb(),
                mem == null ? Double.NaN : mem.swapInPagesPerSecond(),
                mem == null ? Double.NaN : mem.swapOutPagesPerSecond(),
                cpu == null ? Double.NaN : cpu.contextSwitchesPerSecond(),
                cpu == null ? Double.NaN : cpu.interruptsPerSecond(),
                some(m.cpuPressure()), some(m.memoryPressure()), full(m.memoryPressure()), some(m.ioPressure()),
                full(m.ioPressure()), s.uptimeSeconds());
    }

    private static double some(PressureShare p) {
        return p == null ? Double.NaN : p.some();
    }

    private static double full(PressureShare p) {
        return p == null ? Double.NaN : p.full();
    }
}
