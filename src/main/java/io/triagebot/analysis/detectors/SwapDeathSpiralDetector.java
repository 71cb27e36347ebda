package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CgroupMetrics;
import io.triagebot.analysis.metrics.MemoryMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.PressureShare;
import io.triagebot.analysis.metrics.ProcessMetrics;
import java.util.List;

/**
 * Progressive degradation from swapping: pages going out and coming back in within the window, major
 * faults, and tasks stalled on memory. Swap-out alone is cold pages leaving (healthy); swap usage alone may
 * be stale; both are hypotheses. The cgroup whose swap grows names the culprit, since cgroup-limited
 * reclaim swaps inside one group while the global pswpin/pswpout count it.
 */
public final class SwapDeathSpiralDetector implements Detector {

    public static final String PATTERN = "swap-death-spiral";

    /** Bytes per page for swap rates: the one page-size assumption the metrics make. */
    private static final long PAGE = ProcessMetrics.PAGE_KB * 1024;

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        MemoryMetrics mem = m.memory();
        if (mem == null) {
            return List.of();
        }
        Limits lim = new Limits(context, PATTERN);
        double si = mem.swapInPagesPerSecond();
        double so = mem.swapOutPagesPerSecond();
        double both = Grade.known(si) && Grade.known(so) ? si + so : Double.NaN;
        double majflt = mem.majorFaultsPerSecond();
        PressureShare psi = m.memoryPressure();
        List<CgroupSwap> groups = CgroupSwap.of(context);
        CgroupSwap culprit = Cgroups.mostSpecific(groups, CgroupSwap::path,
                c -> Grade.known(c.swapDeltaBytes()) && c.swapDeltaBytes() > 0 ? c.swapDeltaBytes() : 0);
        boolean culpritGrowing = culprit != null;
        if (culprit == null) {
            culprit = Cgroups.mostSpecific(groups, CgroupSwap::path, c -> c.swapBytes() > 0 ? c.swapBytes() : 0);
        }
        double full = psi == null ? Double.NaN : psi.full();
        double groupFull = groupFull(m, culprit);
        double stallFull = Grade.known(groupFull) && !(groupFull <= full) ? groupFull : full;
        long swapTotal = mem.swapTotalKb();
        double usedPercent = swapTotal > 0 && mem.swapUsedKb() >= 0 ? 100.0 * mem.swapUsedKb() / swapTotal : Double.NaN;

        Grade g = new Grade();
        boolean bothMoving = si > 0 && so > 0;
        double crit = lim.v("critical-swap-pages-per-second");
        if (si >= crit && so >= crit && stallFull >= lim.v("critical-memory-full-percent")) {
            g.meet(Severity.CRITICAL, Math.min(si, so) / crit);
        }
        if (bothMoving) {
            g.meet(Severity.HIGH, Grade.above(both, lim.v("warn-swap-pages-per-second")));
        } else {
            // Swap-out only: cold pages leaving, healthy unless it is heavy.
            g.meet(Severity.MEDIUM, Grade.above(so, lim.v("critical-swap-pages-per-second")));
        }
        g.meet(Severity.LOW, Grade.above(so, lim.v("pmie-swap-out-pages-per-second")));
        g.meet(Severity.MEDIUM, Grade.above(usedPercent, lim.v("warn-swap-used-percent")));
        g.meet(Severity.HIGH, Grade.above(usedPercent, lim.v("critical-swap-used-percent")));
        if (!g.any()) {
            return List.of();
        }
        boolean faulting = majflt > 0;
        boolean stalled = stallFull > 0;
        boolean confirmed = bothMoving && faulting && stalled;

        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        ProcessMetrics procs = m.processes();
        ProcessMetrics.Proc topSwap = procs == null || procs.topSwap().isEmpty() ? null : procs.topSwap().get(0);
        String process = topSwap == null ? "" : topSwap.comm() + " (pid " + topSwap.pid() + ", " + Format.bytes(topSwap.swapKb() * 1024.0)
                + " swapped)";
        String where = culprit != null ? " in cgroup " + culprit.path() + (process.isEmpty() ? "" : ", " + process)
                : process.isEmpty() ? "" : ", top " + process;
        if (bothMoving) {
            f.title("Swap storm" + where + ": swap-in " + FindingBuilder.rate(si, "pages") + ", swap-out "
                    + FindingBuilder.rate(so, "pages"));
        } else if (so > 0) {
            f.title("Swapping out " + FindingBuilder.rate(so, "pages") + where + " (nothing coming back yet)");
        } else {
            f.title("Swap " + Format.percent(usedPercent) + " used" + where + ", no swapping in the window");
        }
        StringBuilder impact = new StringBuilder("swap-in ").append(FindingBuilder.rate(si, "pages")).append(" (")
                .append(Format.bytes(si * PAGE)).append("/s), swap-out ").append(FindingBuilder.rate(so, "pages")).append(" (")
                .append(Format.bytes(so * PAGE)).append("/s)");
        if (Grade.known(majflt)) {
            impact.append(", major faults ").append(Format.count(majflt)).append("/s");
        }
        if (Grade.known(full)) {
            impact.append(", memory PSI full ").append(Format.percent(full));
        }
        if (Grade.known(groupFull)) {
            impact.append(" (").append(Format.percent(groupFull)).append(" in ").append(culprit.path()).append(")");
        }
        if (Grade.known(usedPercent)) {
            impact.append(", swap ").append(Format.percent(usedPercent)).append(" used");
        }
        f.impact(impact.toString());
        f.culprit(culprit != null ? culprit.path() : topSwap == null ? null : topSwap.comm() + " (pid " + topSwap.pid() + ")");

        f.fact("pswpin " + FindingBuilder.rate(si, "pages") + ", pswpout " + FindingBuilder.rate(so, "pages"), f.window("/proc/vmstat"));
        f.fact("pgmajfault " + Format.count(majflt) + "/s", f.window("/proc/vmstat"));
        if (psi == null) {
            f.note("memory pressure not measured: /proc/pressure/memory unavailable");
        } else {
            f.fact("memory PSI some " + Format.percent(psi.some()) + ", full " + Format.percent(full),
                    psi.fromAverage() ? FindingBuilder.once("/proc/pressure/memory avg10") : f.window("/proc/pressure/memory total"));
        }
        if (swapTotal >= 0) {
            f.fact("swap " + Format.bytes(mem.swapUsedKb() * 1024.0) + " used of " + Format.bytes(swapTotal * 1024.0)
                    + ", MemAvailable " + Format.bytes(mem.availableKb() * 1024.0) + " of " + Format.bytes(mem.totalKb() * 1024.0),
                    FindingBuilder.once("/proc/meminfo"));
        }
        if (culprit != null) {
            String file = culprit.version() == 2 ? "memory.swap.current" : "memory.memsw.usage_in_bytes - memory.usage_in_bytes";
            f.fact("cgroup " + culprit.path() + ": swap " + Format.bytes(culprit.swapBytes())
                    + (culpritGrowing ? " (+" + Format.bytes(culprit.swapDeltaBytes()) + " in the window)" : "")
                    + ", memory " + Format.bytes(culprit.usageBytes())
                    + (culprit.limitBytes() > 0 ? " of its " + Format.bytes(culprit.limitBytes()) + " limit" : " (no limit)"),
                    f.window("cgroup " + file));
        }
        if (topSwap != null) {
            f.fact("most swapped process: " + topSwap.comm() + " (pid " + topSwap.pid() + ") VmSwap " + Format.bytes(topSwap.swapKb() * 1024.0),
                    FindingBuilder.once("/proc/PID/status VmSwap"));
        }
        if (g.severity() == Severity.CRITICAL) {
            f.crossed("swap-in " + Format.count(si) + " and swap-out " + Format.count(so) + " pages/s", lim, "critical-swap-pages-per-second");
            f.crossed("memory PSI full " + Format.percent(stallFull), lim, "critical-memory-full-percent");
        } else if (bothMoving && both >= lim.v("warn-swap-pages-per-second")) {
            f.crossed("swap-in + swap-out " + Format.count(both) + " pages/s", lim, "warn-swap-pages-per-second");
        }
        if (so >= lim.v("pmie-swap-out-pages-per-second")) {
            f.crossed("swap-out " + Format.count(so) + " pages/s", lim, "pmie-swap-out-pages-per-second");
        }
        if (majflt >= lim.v("major-faults-per-second")) {
            f.crossed("major faults " + Format.count(majflt) + "/s", lim, "major-faults-per-second");
        }
        if (usedPercent >= lim.v("warn-swap-used-percent")) {
            f.crossed("swap " + Format.percent(usedPercent) + " used", lim,
                    usedPercent >= lim.v("critical-swap-used-percent") ? "critical-swap-used-percent" : "warn-swap-used-percent");
        }
        if (!confirmed) {
            if (!bothMoving) {
                f.note("not confirmed: " + (so > 0 ? "swap-out only: cold pages leaving is healthy until they are needed back"
                        : "swap usage alone may be stale (pages swapped out long ago)"));
            } else if (!faulting) {
                f.note("not confirmed: no major faults in the window");
            } else if (!stalled) {
                f.note("not confirmed: memory PSI full is " + (psi == null ? "not measured" : "0") + ", so no task is proven stalled");
            }
        }

        f.command("vmstat 1 5");
        f.command("grep -E '^(pswpin|pswpout|pgmajfault)' /proc/vmstat");
        f.command("grep VmSwap /proc/[0-9]*/status | sort -k2 -n -r | head");
        if (culprit != null) {
            f.command(culprit.version() == 2
                    ? "grep -E '^(pswpin|pswpout|workingset_refault|anon |file )' " + Cgroups.file(context.snapshot().gauges().cgroupLayout(),
                            culprit.path(), 2, "memory", "memory.stat")
                    : "grep -E '^(swap|total_swap|pgmajfault|total_pgmajfault) ' " + Cgroups.file(null, culprit.path(), 1, "memory", "memory.stat"));
        }
        f.command("cat /proc/pressure/memory");
        String unit = culprit == null ? null : Cgroups.unit(culprit.path());
        if (unit != null) {
            f.runbook("unit-memory-high", "throttle " + unit + " at its current size (" + Format.bytes(culprit.usageBytes())
                    + ") so it reclaims from itself instead of pushing the rest of the host into swap; rollback MemoryHigh=infinity",
                    "unit", unit, "cgroup", culprit.path(), "limit", mib(culprit.usageBytes()));
        }
        String swappiness = context.snapshot().gauges().sysctls().get("vm/swappiness");
        double suggested = lim.v("suggested-swappiness");
        long current = parse(swappiness);
        if (current < 0 || current > suggested) {
            f.runbook("vm-swappiness", "prefer dropping page cache over swapping anonymous memory"
                    + (current < 0 ? "" : " (currently " + current + "; rollback to it)"), "value", FindingBuilder.whole(suggested));
        }
        f.longTerm("Give the workload the memory its working set needs or cap the offender (MemoryHigh/MemoryMax) and find "
                + "its growth; never swapoff -a during the spiral (it forces every page back in at once).");
        return List.of(f.build());
    }

    private static double groupFull(Metrics m, CgroupSwap culprit) {
        if (culprit == null || m.cgroups() == null) {
            return Double.NaN;
        }
        for (CgroupMetrics.Pressure p : m.cgroups().pressure()) {
            if (p.path().equals(culprit.path()) && p.memory() != null) {
                return p.memory().full();
            }
        }
        return Double.NaN;
    }

    static String mib(long bytes) {
        return Math.max(1, (bytes + (1 << 20) - 1) >> 20) + "M";
    }

    static long parse(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
