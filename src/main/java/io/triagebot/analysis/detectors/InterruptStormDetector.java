package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.InterruptMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.snapshot.Interrupts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Excessive interrupt handling: one /proc/interrupts source (a device IRQ, or LOC/RES/CAL/TLB) at a rate
 * far above normal on one CPU, or a CPU losing a large share of its time to irq/softirq work. "Far above
 * normal" is the reference's absolute rate, or a smaller rate that is many times the source's own
 * since-boot average on that CPU (the host's baseline: an idle VM sees about a hundred per second).
 * Confirmed when the source dominates the interrupts and its CPU has no idle time left.
 */
public final class InterruptStormDetector implements Detector {

    public static final String PATTERN = "interrupt-storm";

    private static final Pattern NOBODY_CARED = Pattern.compile("irq (\\d+): nobody cared|Disabling IRQ #(\\d+)");

    @Override
    public String pattern() {
        return PATTERN;
    }

    /** One source evaluated on one CPU. */
    private record Candidate(InterruptMetrics.Source source, int cpu, double rate, double baseline, Grade grade) {
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        InterruptMetrics irqs = m.interrupts();
        if (irqs == null || irqs.sources().isEmpty() || context.snapshot().second() == null) {
            return List.of();
        }
        Limits lim = new Limits(context, PATTERN);
        Interrupts counts = context.snapshot().second().interrupts();
        double uptime = context.snapshot().uptimeSeconds() + m.windowSeconds();
        List<KernelLog.Hit> nobodyCared = KernelLog.recent(context, NOBODY_CARED, "nobody cared", "Disabling IRQ");

        Map<String, Interrupts.Source> since = new java.util.HashMap<>();
        if (counts != null) {
            counts.sources().forEach(src -> since.put(src.id(), src));
        }
        double[] topPerColumn = new double[irqs.sources().stream().mapToInt(x -> x.perCpu().length).max().orElse(0)];
        for (InterruptMetrics.Source s : irqs.sources()) {
            for (int i = 0; i < s.perCpu().length; i++) {
                topPerColumn[i] = Math.max(topPerColumn[i], s.perCpu()[i]);
            }
        }
        Candidate worst = null;
        for (InterruptMetrics.Source s : irqs.sources()) {
            for (int i = 0; i < s.perCpu().length && i < s.cpus().size(); i++) {
                double rate = s.perCpu()[i];
                if (!(rate > 0)) {
                    continue;
                }
                int cpuNo = s.cpus().get(i);
                double baseline = sinceBoot(since.get(s.id()), i, uptime);
                double irqSoft = irqSoft(m.cpu(), cpuNo);
                Grade g = new Grade();
                g.meet(Severity.HIGH, Grade.above(rate, lim.v("warn-source-per-cpu-per-second")));
                g.meet(Severity.CRITICAL, Grade.above(rate, lim.v("critical-source-per-cpu-per-second")));
                if (rate >= lim.v("elevated-source-per-cpu-per-second") && baseline > 0
                        && rate >= lim.v("baseline-multiple") * baseline) {
                    g.meet(Severity.HIGH, Grade.above(rate, lim.v("elevated-source-per-cpu-per-second")));
                }
                // The CPU-time criteria belong to the source that dominates that CPU.
                if (rate >= topPerColumn[i]) {
                    g.meet(Severity.HIGH, Grade.above(irqSoft, lim.v("warn-irq-softirq-percent")));
                    g.meet(Severity.CRITICAL, Grade.above(irqSoft, lim.v("critical-irq-softirq-percent")));
                }
                // "nobody cared" escalates a storm seen now; alone it is the escalation scanner's line.
                for (KernelLog.Hit h : nobodyCared) {
                    String irq = h.match().group(1) != null ? h.match().group(1) : h.match().group(2);
                    if (s.id().equals(irq) && g.any()) {
                        g.meetIf(true, Severity.CRITICAL, g.score());
                    }
                }
                if (g.any() && (worst == null || better(g, worst.grade()))) {
                    worst = new Candidate(s, cpuNo, rate, baseline, g);
                }
            }
        }
        if (worst == null) {
            return List.of();
        }
        return List.of(finding(context, lim, worst, irqs, nobodyCared));
    }

    private static Finding finding(AnalysisContext context, Limits lim, Candidate c, InterruptMetrics irqs,
            List<KernelLog.Hit> nobodyCared) {
        Metrics m = context.metrics();
        InterruptMetrics.Source s = c.source();
        double total = irqs.sources().stream().mapToDouble(InterruptMetrics.Source::perSecond).sum();
        double share = total > 0 ? 100 * s.perSecond() / total : Double.NaN;
        CpuMetrics.Split split = cpuSplit(m.cpu(), c.cpu());
        double idle = split == null ? Double.NaN : split.idle() + split.iowait();
        double irqSoft = split == null ? Double.NaN : split.irq() + split.softirq();
        boolean dominant = share >= lim.v("dominant-share-percent");
        boolean starved = idle <= lim.v("low-idle-percent") || irqSoft >= lim.v("warn-irq-softirq-percent");
        boolean numbered = s.id().chars().allMatch(Character::isDigit);
        String name = name(s);

        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(c.grade()).confirmed(dominant && starved);
        f.title("Interrupt storm: " + name + " at " + FindingBuilder.rate(c.rate(), "interrupts") + " on CPU " + c.cpu());
        StringBuilder impact = new StringBuilder(name).append(' ').append(Format.count(c.rate())).append("/s on CPU ")
                .append(c.cpu());
        if (c.baseline() > 0) {
            impact.append(" (").append(Format.count(c.rate() / c.baseline())).append("x its since-boot average of ")
                    .append(Format.count(c.baseline())).append("/s)");
        }
        if (split != null) {
            impact.append("; CPU ").append(c.cpu()).append(' ').append(Format.percent(idle)).append(" idle, ")
                    .append(Format.percent(split.system())).append(" system, ").append(Format.percent(irqSoft)).append(" irq+softirq");
        }
        f.impact(impact.toString()).culprit(numbered ? "IRQ " + s.id() + " (" + device(s) + ")" : s.id() + " (" + s.description() + ")");

        f.fact(name + ": " + Format.count(s.perSecond()) + "/s in total, " + Format.count(c.rate()) + "/s on CPU " + c.cpu()
                + (s.description().isEmpty() ? "" : " [" + s.description() + "]"), f.window("/proc/interrupts"));
        if (c.baseline() > 0) {
            f.fact("since boot it averaged " + Format.count(c.baseline()) + "/s on CPU " + c.cpu() + " (count / uptime)",
                    FindingBuilder.once("/proc/interrupts and /proc/uptime, second sample"));
        }
        f.fact("all interrupts " + Format.count(total) + "/s; " + name + " is " + Format.percent(share) + " of them",
                f.window("/proc/interrupts"));
        if (split != null) {
            f.fact("CPU " + c.cpu() + ": idle " + Format.percent(idle) + ", system " + Format.percent(split.system()) + ", irq "
                    + Format.percent(split.irq()) + ", softirq " + Format.percent(split.softirq()) + ", user "
                    + Format.percent(split.user()), f.window("/proc/stat cpu" + c.cpu()));
            if (split.irq() == 0 && split.softirq() < 1 && c.rate() > 0) {
                f.note("irq time reads 0: this kernel does not account interrupt time separately (no IRQ_TIME_ACCOUNTING), "
                        + "so handling time shows up as system time");
            }
        }
        int others = 0;
        for (InterruptMetrics.Source o : irqs.sources()) {
            if (o != s && others < 3 && o.perSecond() > 0) {
                f.fact("next: " + name(o) + " " + Format.count(o.perSecond()) + "/s", f.window("/proc/interrupts"));
                others++;
            }
        }
        if (c.rate() >= lim.v("critical-source-per-cpu-per-second")) {
            f.crossed(Format.count(c.rate()) + "/s on one CPU", lim, "critical-source-per-cpu-per-second");
        } else if (c.rate() >= lim.v("warn-source-per-cpu-per-second")) {
            f.crossed(Format.count(c.rate()) + "/s on one CPU", lim, "warn-source-per-cpu-per-second");
        } else if (c.rate() >= lim.v("elevated-source-per-cpu-per-second") && c.baseline() > 0
                && c.rate() >= lim.v("baseline-multiple") * c.baseline()) {
            f.crossed(Format.count(c.rate()) + "/s on one CPU", lim, "elevated-source-per-cpu-per-second");
            f.crossed(Format.count(c.rate() / c.baseline()) + "x the since-boot average", lim, "baseline-multiple");
        }
        if (irqSoft >= lim.v("critical-irq-softirq-percent")) {
            f.crossed("irq+softirq " + Format.percent(irqSoft) + " on CPU " + c.cpu(), lim, "critical-irq-softirq-percent");
        } else if (irqSoft >= lim.v("warn-irq-softirq-percent")) {
            f.crossed("irq+softirq " + Format.percent(irqSoft) + " on CPU " + c.cpu(), lim, "warn-irq-softirq-percent");
        }
        for (KernelLog.Hit h : nobodyCared) {
            String irq = h.match().group(1) != null ? h.match().group(1) : h.match().group(2);
            if (!s.id().equals(irq)) {
                continue;
            }
            f.fact("kernel log: " + Format.clip(h.text(), 160) + (h.timestamped() ? " (" + Format.duration(h.ageSeconds()) + " ago)" : ""),
                    FindingBuilder.once("dmesg"));
        }
        if (dominant && starved) {
            f.note("confirmed: " + name + " dominates the interrupts and CPU " + c.cpu() + " has no idle time left");
        } else if (!dominant) {
            f.note("not confirmed: no single source dominates (" + name + " is " + Format.percent(share) + " of all interrupts, below "
                    + lim.cite("dominant-share-percent") + ")");
        } else {
            f.note("not confirmed: CPU " + c.cpu() + " still has " + Format.percent(idle) + " idle time");
        }
        Tasks.Program top = Tasks.of(context).top();
        if (!numbered && top != null) {
            f.fact("busiest program: " + top.label() + " " + Tasks.cpuPercent(top.cpus()) + " (a process arming timers or waking "
                    + "threads drives LOC/RES/CAL; the tracing command below names it)", f.window("/proc/PID/stat"));
        }

        commands(f, s, c.cpu());
        int n = m.cpuCount();
        if (numbered && n >= 2) {
            List<Integer> others2 = new ArrayList<>();
            for (int cpu : s.cpus()) {
                if (cpu != c.cpu()) {
                    others2.add(cpu);
                }
            }
            Map<String, String> affinity = context.snapshot().gauges().irqAffinity();
            String current = affinity == null ? null : affinity.get(s.id());
            if (!others2.isEmpty()) {
                f.runbook("irq-affinity", "move IRQ " + s.id() + " (" + device(s) + ") off CPU " + c.cpu()
                        + (current == null ? "" : " (current affinity " + current + "); irqbalance may move it back"),
                        "irq", s.id(), "cpus", CpuSets.list(others2));
            }
        }
        f.longTerm(numbered
                ? "Find why " + device(s) + " interrupts so often: enable interrupt coalescing (ethtool -C for NICs), update the driver "
                        + "or firmware, spread queues over CPUs (RSS, irqbalance), or replace a failing device."
                : "Find the process behind the " + s.id() + " interrupts (high-frequency timers, busy wakeups or TLB shootdowns from "
                        + "mmap churn) and fix its timer or wakeup pattern; lower its timer rate or batch its work.");
        return f.build();
    }

    private static void commands(FindingBuilder f, InterruptMetrics.Source s, int cpu) {
        switch (s.id()) {
            case "LOC" -> {
                f.command("bpftrace -e 'tracepoint:timer:hrtimer_start { @[comm, pid] = count(); } interval:s:5 { exit(); }'");
                f.command("perf record -e timer:hrtimer_expire_entry -C " + cpu + " -g -- sleep 5 && perf report --stdio | head -40");
            }
            case "RES" -> f.command("bpftrace -e 'tracepoint:sched:sched_wakeup { @[comm] = count(); } interval:s:5 { exit(); }'");
            case "CAL", "TLB" -> f.command("bpftrace -e 'tracepoint:tlb:tlb_flush { @[comm, pid] = count(); } interval:s:5 { exit(); }'");
            default -> {
                if (s.id().chars().allMatch(Character::isDigit)) {
                    f.command("cat /proc/irq/" + s.id() + "/smp_affinity_list");
                    f.command("perf stat -e irq:irq_handler_entry --filter 'irq == " + s.id() + "' -a -- sleep 5");
                }
            }
        }
        if (s.id().matches("[A-Za-z0-9]{1,16}")) { // quoted twice over below: only a plain IRQ name goes in
            f.command("watch -d -n1 \"grep -E '^ *" + s.id() + ":' /proc/interrupts\"");
        }
        f.command("mpstat -P ALL 1 5");
    }

    private static boolean better(Grade a, Grade b) {
        int c = a.severity().compareTo(b.severity());
        return c > 0 || c == 0 && a.score() > b.score();
    }

    /** The source's per-CPU since-boot average rate in one column, from the second sample's count. */
    private static double sinceBoot(Interrupts.Source s, int column, double uptime) {
        if (s == null || !(uptime > 0) || column >= s.perCpu().length) {
            return Double.NaN;
        }
        return s.perCpu()[column] / uptime;
    }

    private static double irqSoft(CpuMetrics cpu, int cpuNo) {
        CpuMetrics.Split s = cpuSplit(cpu, cpuNo);
        return s == null ? Double.NaN : s.irq() + s.softirq();
    }

    private static CpuMetrics.Split cpuSplit(CpuMetrics cpu, int cpuNo) {
        if (cpu == null) {
            return null;
        }
        return cpu.perCpu().stream().filter(x -> x.cpu() == cpuNo).findFirst().orElse(null);
    }

    /** "LOC (Local timer interrupts)" or "IRQ 36 (virtio1-req.0)". */
    static String name(InterruptMetrics.Source s) {
        if (s.id().chars().allMatch(Character::isDigit)) {
            return "IRQ " + s.id() + " (" + device(s) + ")";
        }
        return s.description().isEmpty() ? s.id() : s.id() + " (" + s.description() + ")";
    }

    /** The device name: the last word of the description ("PCI-MSIX-0000:00:02.0 1-edge virtio1-req.0"). */
    static String device(InterruptMetrics.Source s) {
        String d = s.description().strip();
        if (d.isEmpty()) {
            return "unknown device";
        }
        String[] words = d.split("\\s+");
        return words[words.length - 1];
    }
}
