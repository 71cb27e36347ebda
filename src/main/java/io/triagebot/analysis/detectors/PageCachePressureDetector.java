package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.DiskMetrics;
import io.triagebot.analysis.metrics.MemoryMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.PressureShare;
import java.util.Comparator;
import java.util.List;

/**
 * Aggressive reclaim hurting the workload: allocating tasks reclaiming pages themselves (direct reclaim),
 * reclaim scanning much for little (sar %vmeff under 30%), evicted pages needed again (refaults), and tasks
 * stalled on memory. kswapd scanning alone is background work and only a hypothesis. Cgroup-limited
 * reclaim does not show in these global counters: memory-pressure covers it per cgroup.
 */
public final class PageCachePressureDetector implements Detector {

    public static final String PATTERN = "page-cache-pressure";

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
        double direct = mem.directScanPagesPerSecond();
        double kswapd = mem.kswapdScanPagesPerSecond();
        double stalls = mem.allocStallsPerSecond();
        double refaults = mem.refaultsPerSecond();
        double vmeff = mem.reclaimEfficiencyPercent();
        PressureShare psi = m.memoryPressure();
        double some = psi == null ? Double.NaN : psi.some();
        boolean directReclaim = direct > 0 || stalls > 0;

        Grade g = new Grade();
        if (directReclaim) {
            g.meetIf(true, Severity.MEDIUM, Grade.above(direct, lim.v("critical-direct-scan-pages-per-second")));
            g.meet(Severity.HIGH, Grade.above(some, lim.v("warn-pressure-some-percent")));
            g.meet(Severity.CRITICAL, Grade.above(some, lim.v("critical-pressure-some-percent")));
            if (vmeff < lim.v("low-efficiency-percent")) {
                g.meet(Severity.CRITICAL, Grade.above(direct, lim.v("critical-direct-scan-pages-per-second")));
            }
        } else {
            g.meet(Severity.LOW, Grade.above(kswapd, lim.v("kswapd-scan-pages-per-second")));
        }
        if (!g.any()) {
            return List.of();
        }
        boolean confirmed = directReclaim && refaults > 0 && some > 0;

        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        if (directReclaim) {
            f.title("Page cache pressure: direct reclaim " + FindingBuilder.rate(direct, "pages")
                    + (Grade.known(vmeff) ? ", reclaim efficiency " + Format.percent(vmeff) : ""));
        } else {
            f.title("Background reclaim: kswapd scanning " + FindingBuilder.rate(kswapd, "pages") + ", no direct reclaim");
        }
        StringBuilder impact = new StringBuilder("direct reclaim ").append(FindingBuilder.rate(direct, "pages"))
                .append(", allocation stalls ").append(Format.count(stalls)).append("/s, refaults ")
                .append(Format.count(refaults)).append("/s");
        if (Grade.known(some)) {
            impact.append(", memory PSI some ").append(Format.percent(some));
        }
        if (mem.activeFileKb() >= 0 && mem.inactiveFileKb() >= 0) {
            impact.append("; file cache ").append(Format.bytes((mem.activeFileKb() + mem.inactiveFileKb()) * 1024.0));
        }
        f.impact(impact.toString());

        f.fact("pgscan_direct " + FindingBuilder.rate(direct, "pages") + ", pgscan_kswapd " + FindingBuilder.rate(kswapd, "pages")
                + ", pgsteal " + FindingBuilder.rate(mem.stealPagesPerSecond(), "pages") + " (%vmeff " + Format.percent(vmeff) + ")",
                f.window("/proc/vmstat"));
        f.fact("allocstall " + Format.count(stalls) + "/s, workingset_refault " + Format.count(refaults) + "/s", f.window("/proc/vmstat"));
        if (psi != null) {
            f.fact("memory PSI some " + Format.percent(some) + ", full " + Format.percent(psi.full()),
                    psi.fromAverage() ? FindingBuilder.once("/proc/pressure/memory avg10") : f.window("/proc/pressure/memory total"));
        } else {
            f.note("memory pressure not measured: /proc/pressure/memory unavailable");
        }
        if (mem.totalKb() > 0) {
            f.fact("MemAvailable " + Format.bytes(mem.availableKb() * 1024.0) + ", MemFree " + Format.bytes(mem.freeKb() * 1024.0)
                    + ", Active(file) " + Format.bytes(mem.activeFileKb() * 1024.0) + ", Inactive(file) "
                    + Format.bytes(mem.inactiveFileKb() * 1024.0) + ", Dirty " + Format.bytes(mem.dirtyKb() * 1024.0)
                    + ", Writeback " + Format.bytes(mem.writebackKb() * 1024.0), FindingBuilder.once("/proc/meminfo"));
        }
        DiskMetrics disk = m.disks() == null ? null : m.disks().stream()
                .max(Comparator.comparingDouble(d -> d.readKbPerSecond() + d.writeKbPerSecond())).orElse(null);
        if (disk != null && disk.readKbPerSecond() + disk.writeKbPerSecond() > 0) {
            f.fact("busiest disk " + disk.device() + ": read " + Format.bytes(disk.readKbPerSecond() * 1024) + "/s, write "
                    + Format.bytes(disk.writeKbPerSecond() * 1024) + "/s (cache churn shows up as I/O)", f.window("/sys/block/*/stat"));
        }
        if (directReclaim && vmeff < lim.v("low-efficiency-percent") && direct >= lim.v("critical-direct-scan-pages-per-second")) {
            f.crossed("%vmeff " + Format.percent(vmeff), lim, "low-efficiency-percent");
            f.crossed("direct scan " + Format.count(direct) + " pages/s", lim, "critical-direct-scan-pages-per-second");
        }
        if (directReclaim && some >= lim.v("critical-pressure-some-percent")) {
            f.crossed("memory PSI some " + Format.percent(some) + " with direct reclaim", lim, "critical-pressure-some-percent");
        } else if (directReclaim && some >= lim.v("warn-pressure-some-percent")) {
            f.crossed("memory PSI some " + Format.percent(some) + " with direct reclaim", lim, "warn-pressure-some-percent");
        }
        if (!directReclaim) {
            f.crossed("kswapd scan " + Format.count(kswapd) + " pages/s", lim, "kswapd-scan-pages-per-second");
            f.note("not confirmed: kswapd reclaiming in the background alone does not make anyone wait");
        } else if (!confirmed) {
            f.note("not confirmed: needs direct reclaim, refaults and memory stalls together (refaults "
                    + Format.count(refaults) + "/s, PSI some " + Format.percent(some) + ")");
        }

        f.command("sar -B 1 5");
        f.command("grep -E '^(pgscan|pgsteal|allocstall|workingset_refault)' /proc/vmstat");
        f.command("bpftrace -e 'tracepoint:vmscan:mm_vmscan_direct_reclaim_begin { @[comm, pid] = count(); } interval:s:5 { exit(); }'");
        f.command("cat /proc/pressure/memory");
        f.command("grep -E '^(MemAvailable|Active\\(file\\)|Inactive\\(file\\)|Dirty|Writeback):' /proc/meminfo");
        String wsf = context.snapshot().gauges().sysctls().get("vm/watermark_scale_factor");
        long current = SwapDeathSpiralDetector.parse(wsf);
        double suggested = lim.v("suggested-watermark-scale-factor");
        if (directReclaim && (current < 0 || current < suggested)) {
            f.runbook("watermark-scale-factor", "wake kswapd earlier so allocations reclaim less themselves"
                    + (current < 0 ? "" : " (currently " + current + "; rollback to it)"), "value", FindingBuilder.whole(suggested));
        }
        if (directReclaim && g.severity().atLeast(Severity.HIGH)) {
            f.runbook("drop-caches", "last resort: frees clean cache at once, but every process then rereads from disk (a cold-cache I/O storm follows)");
        }
        f.longTerm("Cap the unit that floods the cache (MemoryHigh), use O_DIRECT or fadvise(DONTNEED) for streaming I/O, "
                + "keep the working set within RAM, and tune vm.watermark_scale_factor so kswapd stays ahead.");
        return List.of(f.build());
    }
}
