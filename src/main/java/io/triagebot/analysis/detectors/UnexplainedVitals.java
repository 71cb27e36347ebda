package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.PressureShare;
import io.triagebot.analysis.metrics.ProcessMetrics;
import io.triagebot.snapshot.LoadAvg;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accounts for the vitals after the detectors: load, blocked (D-state) tasks, the run queue, memory and
 * I/O pressure that are abnormal while no finding of at least MEDIUM explains them become a finding of
 * their own ("unexplained-load"), quantified, with the blocked tasks summarised by what they wait on and
 * where they live. It never calls them an I/O stall or CPU saturation: only those detectors may.
 */
public final class UnexplainedVitals {

    public static final String PATTERN = "unexplained-load";
    /** How many wait channel and cgroup groups the evidence lists: a bounded summary. */
    static final int GROUPS = 5;

    /** An OOM kill that already happened does not explain tasks blocked now; reclaim stalls are memory-pressure. */
    private static final Set<String> EXPLAIN_BLOCKED = Set.of("io-stall", "lock-convoy", "swap-death-spiral",
            "memory-pressure", "page-cache-pressure", "thp-compaction-stall");
    private static final Set<String> EXPLAIN_RUNNABLE = Set.of("cpu-saturation", "cgroup-cpu-throttling",
            "context-switch-explosion", "interrupt-storm", "softirq-imbalance", "lock-convoy");
    private static final Set<String> EXPLAIN_MEMORY = Set.of("swap-death-spiral", "memory-pressure", "page-cache-pressure",
            "oom-kill", "thp-compaction-stall", "numa-thrashing");
    private static final Set<String> EXPLAIN_IO = Set.of("io-stall", "swap-death-spiral", "page-cache-pressure");

    private UnexplainedVitals() {
    }

    /** The finding, or none when every abnormal vital has a finding that explains it. */
    public static List<Finding> account(AnalysisContext context, List<Finding> findings) {
        Metrics m = context.metrics();
        Limits lim = new Limits(context, PATTERN);
        int n = Math.max(1, m.cpuCount());
        CpuMetrics cpu = m.cpu();
        LoadAvg load = context.snapshot().gauges().loadavg();
        List<ProcessMetrics.Blocked> dState = m.processes() == null ? List.of() : m.processes().blocked();
        // procs_blocked counts only tasks waiting for I/O (nr_iowait); the task table sees every D-state
        // task (frozen, waiting on a lock, on NFS...), so the larger of the two is the blocked count.
        int blocked = Math.max(cpu != null ? cpu.blocked() : 0, dState.size());
        int runnable = cpu == null ? -1 : cpu.runnable();
        double load1 = load == null ? Double.NaN : load.one();
        PressureShare mem = m.memoryPressure();
        PressureShare io = m.ioPressure();

        List<String> unexplained = new ArrayList<>();
        Grade g = new Grade();
        boolean blockedAbnormal = blocked >= n * lim.v("blocked-per-cpu");
        boolean loadAbnormal = load1 >= n * lim.v("load-per-cpu");
        // Only an I/O, lock or memory finding explains blocked tasks: CPU findings never do.
        boolean blockedUnexplained = blockedAbnormal && !explained(findings, EXPLAIN_BLOCKED);
        if (blockedUnexplained) {
            g.meet(Severity.MEDIUM, Grade.above(blocked, n * lim.v("blocked-per-cpu")));
            unexplained.add(blocked + " tasks blocked (D state) on " + n + " CPUs"
                    + (Grade.known(load1) ? ", load " + Format.decimal(load1) : ""));
        } else if (loadAbnormal && !blockedAbnormal && !explained(findings, EXPLAIN_BLOCKED)
                && !explained(findings, EXPLAIN_RUNNABLE)) {
            g.meet(Severity.MEDIUM, Grade.above(load1, n * lim.v("load-per-cpu")));
            unexplained.add("load " + Format.decimal(load1) + " on " + n + " CPUs");
        }
        if (runnable >= n * lim.v("runnable-per-cpu") && !explained(findings, EXPLAIN_RUNNABLE)) {
            g.meet(Severity.MEDIUM, Grade.above(runnable, n * lim.v("runnable-per-cpu")));
            unexplained.add(runnable + " tasks runnable on " + n + " CPUs");
        }
        if (mem != null && mem.some() >= lim.v("pressure-some-percent") && !explained(findings, EXPLAIN_MEMORY)) {
            g.meet(Severity.MEDIUM, Grade.above(mem.some(), lim.v("pressure-some-percent")));
            unexplained.add("memory pressure " + Format.percent(mem.some()) + " (PSI some)");
        }
        if (io != null && io.some() >= lim.v("pressure-some-percent") && !explained(findings, EXPLAIN_IO)) {
            g.meet(Severity.MEDIUM, Grade.above(io.some(), lim.v("pressure-some-percent")));
            unexplained.add("I/O pressure " + Format.percent(io.some()) + " (PSI some)");
        }
        if (!g.any()) {
            return List.of();
        }
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(false)
                .title("Abnormal vitals no finding explains: " + String.join(", ", unexplained))
                .impact(String.join("; ", unexplained) + (blocked > 0 && Grade.known(cpu == null ? Double.NaN : cpu.total().busy())
                        ? "; CPUs " + Format.percent(cpu.total().busy()) + " busy, iowait " + Format.percent(cpu.total().iowait()) : ""))
                .longTerm("Find what the blocked tasks wait on (their stacks, the cgroup that holds them) before acting:"
                        + " neither a CPU nor an I/O shortage is shown by the data.");
        if (load != null) {
            f.fact("load average " + Format.decimal(load.one()) + " / " + Format.decimal(load.five()) + " / "
                    + Format.decimal(load.fifteen()) + ", " + load.runnable() + " runnable of " + load.total()
                    + " tasks (load counts D-state tasks too)", FindingBuilder.once("/proc/loadavg"));
        }
        if (cpu != null) {
            f.fact("procs_running " + runnable + ", procs_blocked " + blocked + ", CPU busy "
                    + Format.percent(cpu.total().busy()) + ", iowait " + Format.percent(cpu.total().iowait()),
                    f.window("/proc/stat"));
        }
        blockedSummary(context, dState, f);
        f.note("no finding of MEDIUM or more explains this, so neither an I/O stall nor CPU saturation is claimed");
        f.command("for p in /proc/[0-9]*/task/*; do s=$(cut -d' ' -f3 $p/stat 2>/dev/null); [ \"$s\" = D ] && echo \"$p $(cat $p/wchan)\"; done");
        f.command("cat /proc/PID/stack   # as root, for a blocked task above");
        f.command("cat /sys/fs/cgroup/freezer/*/freezer.state 2>/dev/null; cat /sys/fs/cgroup/**/cgroup.freeze 2>/dev/null");
        return List.of(f.build());
    }

    /** D-state tasks grouped by wait channel and cgroup, largest group first, bounded. */
    private static void blockedSummary(AnalysisContext context, List<ProcessMetrics.Blocked> dState, FindingBuilder f) {
        if (dState.isEmpty()) {
            return;
        }
        Map<String, int[]> groups = new LinkedHashMap<>();
        for (ProcessMetrics.Blocked b : dState) {
            String cgroup = context.snapshot().gauges().cgroupOf(b.pid(), "freezer");
            String key = (b.wchan() == null || b.wchan().isEmpty() || b.wchan().equals("0") ? "unknown wait channel" : b.wchan())
                    + "\u0000" + (cgroup == null ? "unknown cgroup" : cgroup);
            int[] c = groups.computeIfAbsent(key, k -> new int[2]);
            c[0]++;
            if (b.inBothSamples()) {
                c[1]++;
            }
        }
        double window = context.metrics().windowSeconds();
        groups.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, int[]> e) -> e.getValue()[0]).reversed())
                .limit(GROUPS).forEach(e -> {
                    String[] k = e.getKey().split("\u0000");
                    int[] c = e.getValue();
                    f.fact(c[0] + " task(s) blocked in " + k[0] + " within cgroup " + k[1]
                            + (c[1] > 0 && Grade.known(window) ? ", " + c[1] + " of them in both samples (blocked at least "
                                    + Format.decimal(window) + " s)" : ""),
                            FindingBuilder.once("/proc/PID/task/TID/stat, wchan, /proc/PID/cgroup"));
                });
        if (groups.size() > GROUPS) {
            f.note((groups.size() - GROUPS) + " more wait channel and cgroup groups not listed");
        }
    }

    private static boolean explained(List<Finding> findings, Set<String> patterns) {
        return findings.stream().anyMatch(x -> patterns.contains(x.pattern()) && x.severity().atLeast(Severity.MEDIUM));
    }
}
