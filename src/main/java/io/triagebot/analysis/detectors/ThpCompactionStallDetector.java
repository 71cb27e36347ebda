package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.MemoryMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.snapshot.Thp;
import java.util.List;

/**
 * Transparent huge pages making allocations wait for memory compaction: direct compaction stalls, huge
 * page faults falling back to small pages, and the system time they cost, read against the THP policy
 * (enabled, defrag) that decides whether faults compact synchronously.
 */
public final class ThpCompactionStallDetector implements Detector {

    public static final String PATTERN = "thp-compaction-stall";

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
        double stalls = mem.compactStallsPerSecond();
        double fails = mem.compactFailsPerSecond();
        double alloc = mem.thpFaultAllocPerSecond();
        double fallback = mem.thpFaultFallbackPerSecond();
        double fallbackPercent = Grade.known(alloc) && Grade.known(fallback) && alloc + fallback > 0
                ? 100 * fallback / (alloc + fallback) : Double.NaN;
        CpuMetrics cpu = m.cpu();
        double sys = cpu == null ? Double.NaN : cpu.total().system();

        Grade g = new Grade();
        g.meet(Severity.HIGH, Grade.above(stalls, lim.v("warn-compact-stalls-per-second")));
        if (fallback >= lim.v("min-fallbacks-per-second")) {
            g.meet(Severity.HIGH, Grade.above(fallbackPercent, lim.v("warn-fallback-percent")));
        }
        if (sys >= lim.v("critical-system-percent")) {
            g.meet(Severity.CRITICAL, Grade.above(stalls, lim.v("critical-compact-stalls-per-second")));
        }
        if (!g.any()) {
            return List.of();
        }
        boolean costly = sys >= lim.v("critical-system-percent");
        boolean confirmed = stalls > 0 && costly;
        Thp thp = context.snapshot().gauges().thp();

        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        String policy = thp == null ? "" : " (enabled=" + thp.enabled() + ", defrag=" + thp.defrag() + ")";
        f.title("THP compaction stalls: " + Format.count(stalls) + "/s, huge page fallback " + Format.percent(fallbackPercent) + policy);
        f.impact("allocations stalled for compaction " + Format.count(stalls) + " times/s (" + Format.count(fails)
                + "/s failed), " + Format.count(fallback) + " huge page faults/s fell back to small pages, system time "
                + Format.percent(sys));
        f.culprit(thp == null ? null : "THP policy enabled=" + thp.enabled() + " defrag=" + thp.defrag());
        f.fact("compact_stall " + Format.count(stalls) + "/s, compact_fail " + Format.count(fails) + "/s", f.window("/proc/vmstat"));
        f.fact("thp_fault_alloc " + Format.count(alloc) + "/s, thp_fault_fallback " + Format.count(fallback) + "/s",
                f.window("/proc/vmstat"));
        if (Grade.known(sys)) {
            f.fact("system time " + Format.percent(sys), f.window("/proc/stat cpu line"));
        }
        if (thp != null) {
            f.fact("transparent_hugepage enabled=" + thp.enabled() + ", defrag=" + thp.defrag(),
                    FindingBuilder.once("/sys/kernel/mm/transparent_hugepage"));
        } else {
            f.note("THP policy not read (no /sys/kernel/mm/transparent_hugepage)");
        }
        if (stalls >= lim.v("critical-compact-stalls-per-second") && costly) {
            f.crossed(Format.count(stalls) + " stalls/s", lim, "critical-compact-stalls-per-second");
            f.crossed("system time " + Format.percent(sys), lim, "critical-system-percent");
        } else if (stalls >= lim.v("warn-compact-stalls-per-second")) {
            f.crossed(Format.count(stalls) + " stalls/s", lim, "warn-compact-stalls-per-second");
        }
        if (fallbackPercent >= lim.v("warn-fallback-percent") && fallback >= lim.v("min-fallbacks-per-second")) {
            f.crossed("fallback " + Format.percent(fallbackPercent), lim, "warn-fallback-percent");
        }
        if (!confirmed) {
            f.note("not confirmed: " + (stalls > 0 ? "system time " + Format.percent(sys) + " shows no large cost yet"
                    : "fallbacks without compaction stalls cost little latency"));
        }
        Tasks.Program top = Tasks.of(context).topSystem();
        if (top != null) {
            f.fact("most system time: " + top.label() + " " + Tasks.cpuPercent(top.systemCpus()), f.window("/proc/PID/stat stime"));
        }

        f.command("grep -E '^(compact_|thp_fault)' /proc/vmstat");
        f.command("cat /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/mm/transparent_hugepage/defrag");
        f.command("cat /proc/buddyinfo");
        f.command("bpftrace -e 'tracepoint:compaction:mm_compaction_begin { @[comm, pid] = count(); } interval:s:5 { exit(); }'");
        if (thp != null && thp.defrag() != null && (thp.defrag().equals("always") || thp.defrag().equals("madvise"))) {
            f.runbook("thp-defrag", "stop page faults from compacting synchronously (currently " + thp.defrag()
                    + "; rollback to it); khugepaged still collapses pages in the background", "mode", "defer+madvise");
        }
        if (thp != null && "always".equals(thp.enabled())) {
            f.runbook("thp-enabled", "limit huge pages to applications that ask for them (currently always; rollback to it)",
                    "mode", "madvise");
        }
        f.longTerm("Use THP only where it pays (enabled=madvise, defrag=defer+madvise), keep free memory unfragmented "
                + "(vm.min_free_kbytes, proactive compaction), or reserve hugetlbfs pages for the applications that need them; "
                + "persist through the kernel command line or tuned.");
        return List.of(f.build());
    }
}
