package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.MemoryMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.NumaMetrics;
import java.util.List;

/**
 * Cross-node memory access and the cost of fixing it: automatic NUMA balancing migrating pages while most
 * hinting faults are remote, remote allocations (numastat other_node) with high system time, or one node
 * out of free memory while allocations spill to others (numa_miss). Remote share alone may be an
 * interleave policy and stays a hypothesis. Single-node hosts have nothing to report.
 */
public final class NumaThrashingDetector implements Detector {

    public static final String PATTERN = "numa-thrashing";

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        NumaMetrics numa = m.numa();
        MemoryMetrics mem = m.memory();
        if (numa == null || numa.nodes().size() < 2) {
            return List.of();
        }
        Limits lim = new Limits(context, PATTERN);
        double hint = mem == null ? Double.NaN : mem.numaHintFaultsPerSecond();
        double hintLocal = mem == null ? Double.NaN : mem.numaHintFaultsLocalPerSecond();
        double localRatio = hint > 0 && Grade.known(hintLocal) ? hintLocal / hint : Double.NaN;
        double migrated = mem == null ? Double.NaN : mem.numaPagesMigratedPerSecond();
        double local = 0;
        double other = 0;
        double miss = 0;
        NumaMetrics.Node starved = null;
        for (NumaMetrics.Node n : numa.nodes()) {
            local += Grade.known(n.localNodePerSecond()) ? n.localNodePerSecond() : 0;
            other += Grade.known(n.otherNodePerSecond()) ? n.otherNodePerSecond() : 0;
            miss += Grade.known(n.missPerSecond()) ? n.missPerSecond() : 0;
            if (n.memTotalKb() > 0 && n.memFreeKb() >= 0 && 100.0 * n.memFreeKb() / n.memTotalKb() < lim.v("node-free-percent")
                    && (starved == null || n.memFreeKb() < starved.memFreeKb())) {
                starved = n;
            }
        }
        double remote = local + other > 0 ? 100 * other / (local + other) : Double.NaN;
        CpuMetrics cpu = m.cpu();
        double sys = cpu == null ? Double.NaN : cpu.total().system();
        boolean highSys = sys >= lim.v("critical-system-percent");

        Grade g = new Grade();
        if (localRatio < lim.v("warn-local-ratio")) {
            g.meet(Severity.HIGH, Grade.above(migrated, lim.v("warn-migrations-per-second")));
        }
        g.meet(Severity.CRITICAL, Grade.above(migrated, lim.v("critical-migrations-per-second")));
        if (highSys) {
            g.meet(Severity.CRITICAL, Grade.above(remote, lim.v("critical-remote-percent")));
        } else {
            g.meet(Severity.MEDIUM, Grade.above(remote, lim.v("critical-remote-percent")));
        }
        boolean spilling = starved != null && miss > 0;
        g.meetIf(spilling, Severity.HIGH, 1);
        if (!g.any()) {
            return List.of();
        }
        boolean confirmed = migrated >= lim.v("warn-migrations-per-second") && localRatio < lim.v("warn-local-ratio") && highSys
                || spilling;

        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        Tasks.Program top = Tasks.of(context).top();
        if (spilling) {
            f.title("NUMA node " + starved.node() + " out of free memory: allocations spill to other nodes ("
                    + FindingBuilder.rate(miss, "pages") + " numa_miss)");
        } else {
            f.title("NUMA thrashing: " + Format.percent(remote) + " of allocations remote, " + FindingBuilder.rate(migrated, "pages")
                    + " migrated" + (top == null ? "" : ", busiest " + top.label()));
        }
        f.impact("remote allocations " + Format.percent(remote) + ", pages migrated " + Format.count(migrated)
                + "/s, local hinting faults " + (Grade.known(localRatio) ? Format.percent(100 * localRatio) : "n/a")
                + ", system time " + Format.percent(sys));
        f.culprit(spilling ? "node " + starved.node() : top == null ? null : top.label());
        for (NumaMetrics.Node n : numa.nodes()) {
            f.fact("node " + n.node() + ": local " + Format.count(n.localNodePerSecond()) + "/s, other_node "
                    + Format.count(n.otherNodePerSecond()) + "/s, numa_miss " + Format.count(n.missPerSecond()) + "/s, MemFree "
                    + Format.bytes(n.memFreeKb() * 1024.0) + " of " + Format.bytes(n.memTotalKb() * 1024.0),
                    f.window("/sys/devices/system/node/node" + n.node() + "/numastat"));
        }
        f.fact("numa_hint_faults " + Format.count(hint) + "/s (local " + Format.count(hintLocal) + "/s), numa_pages_migrated "
                + Format.count(migrated) + "/s", f.window("/proc/vmstat"));
        String balancing = context.snapshot().gauges().sysctls().get("kernel/numa_balancing");
        if (balancing != null) {
            f.fact("kernel.numa_balancing = " + balancing, FindingBuilder.once("/proc/sys/kernel/numa_balancing"));
        }
        if (migrated >= lim.v("critical-migrations-per-second")) {
            f.crossed(Format.count(migrated) + " migrations/s", lim, "critical-migrations-per-second");
        } else if (migrated >= lim.v("warn-migrations-per-second") && localRatio < lim.v("warn-local-ratio")) {
            f.crossed(Format.count(migrated) + " migrations/s", lim, "warn-migrations-per-second");
            f.crossed("local hinting faults " + Format.percent(100 * localRatio), lim, "warn-local-ratio");
        }
        if (remote >= lim.v("critical-remote-percent")) {
            f.crossed("remote " + Format.percent(remote) + (highSys ? " with system time " + Format.percent(sys) : ""), lim,
                    "critical-remote-percent");
        }
        if (spilling) {
            f.crossed("node " + starved.node() + " free " + Format.percent(100.0 * starved.memFreeKb() / starved.memTotalKb()), lim,
                    "node-free-percent");
        }
        if (!confirmed) {
            f.note("not confirmed: a remote share alone can be an interleave policy; confirmation needs heavy migration with "
                    + "mostly remote hinting faults and high system time, or a node out of memory");
        }
        f.command("numastat -m");
        if (top != null) {
            f.command("numastat -p " + top.mainPid());
            f.command("grep -c . /proc/" + top.mainPid() + "/numa_maps && head /proc/" + top.mainPid() + "/numa_maps");
        }
        f.command("grep -E '^(numa_|pgmigrate)' /proc/vmstat");
        f.command("perf stat -e 'migrate:mm_migrate_pages' -a -- sleep 5");
        if (!"0".equals(balancing) && migrated > 0) {
            f.runbook("numa-balancing", "stop automatic page migration, which is costing more than it saves"
                    + (balancing == null ? "" : " (currently " + balancing + "; rollback to it)"), "enabled", "0");
        }
        f.longTerm("Bind the workload to one node (numactl --cpunodebind --membind, or cpuset.mems) or size it to fit one "
                + "node's memory; for deliberately spread workloads use interleave and disable balancing.");
        return List.of(f.build());
    }
}
