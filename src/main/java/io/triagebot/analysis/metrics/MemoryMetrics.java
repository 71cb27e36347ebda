package io.triagebot.analysis.metrics;

import java.util.Map;

/**
 * Memory state and paging activity, as free -m, vmstat 1 and sar -B report them. Rates are per second
 * over the window; NaN when the counter is absent on this kernel.
 *
 * @param totalKb MemTotal
 * @param availableKb MemAvailable (the kernel's estimate of what can be allocated without swapping)
 * @param swapInPagesPerSecond vmstat si (pswpin)
 * @param swapOutPagesPerSecond vmstat so (pswpout)
 * @param directScanPagesPerSecond pages scanned by allocating tasks themselves (pgscan_direct)
 * @param kswapdScanPagesPerSecond pages scanned by kswapd
 * @param stealPagesPerSecond pages reclaimed (pgsteal_kswapd + pgsteal_direct)
 * @param allocStallsPerSecond allocstall_* summed: allocations that had to reclaim directly
 * @param refaultsPerSecond workingset_refault(_anon/_file): evicted pages needed again soon
 * @param oomKills oom_kill delta over the window (vmstat, kernel 4.13+)
 */
public record MemoryMetrics(long totalKb, long availableKb, long freeKb, long cachedKb, long dirtyKb, long writebackKb,
        long swapTotalKb, long swapFreeKb, long activeFileKb, long inactiveFileKb, double swapInPagesPerSecond,
        double swapOutPagesPerSecond, double majorFaultsPerSecond, double directScanPagesPerSecond,
        double kswapdScanPagesPerSecond, double stealPagesPerSecond, double allocStallsPerSecond,
        double refaultsPerSecond, double compactStallsPerSecond, double compactFailsPerSecond,
        double thpFaultAllocPerSecond, double thpFaultFallbackPerSecond, double numaHintFaultsPerSecond,
        double numaHintFaultsLocalPerSecond, double numaPagesMigratedPerSecond, double oomKills) {

    public long swapUsedKb() {
        return swapTotalKb < 0 || swapFreeKb < 0 ? -1 : swapTotalKb - swapFreeKb;
    }

    /** sar %vmeff: reclaimed over scanned; low means reclaim works hard for little. NaN without scans. */
    public double reclaimEfficiencyPercent() {
        return Deltas.percent(stealPagesPerSecond, directScanPagesPerSecond + kswapdScanPagesPerSecond);
    }

    static MemoryMetrics of(Map<String, Long> meminfo, Map<String, Long> a, Map<String, Long> b, double window) {
        VmRates r = new VmRates(a, b, window);
        return new MemoryMetrics(
                meminfo.getOrDefault("MemTotal", -1L), meminfo.getOrDefault("MemAvailable", -1L),
                meminfo.getOrDefault("MemFree", -1L), meminfo.getOrDefault("Cached", -1L),
                meminfo.getOrDefault("Dirty", -1L), meminfo.getOrDefault("Writeback", -1L),
                meminfo.getOrDefault("SwapTotal", -1L), meminfo.getOrDefault("SwapFree", -1L),
                meminfo.getOrDefault("Active(file)", -1L), meminfo.getOrDefault("Inactive(file)", -1L),
                r.rate("pswpin"), r.rate("pswpout"), r.rate("pgmajfault"),
                r.sum("pgscan_direct", "pgscan_direct_throttle"), r.rate("pgscan_kswapd"),
                r.sum("pgsteal_kswapd", "pgsteal_direct"),
                r.sumPrefix("allocstall"),
                r.has("workingset_refault") ? r.rate("workingset_refault")
                        : r.sum("workingset_refault_anon", "workingset_refault_file"),
                r.rate("compact_stall"), r.rate("compact_fail"), r.rate("thp_fault_alloc"),
                r.rate("thp_fault_fallback"), r.rate("numa_hint_faults"), r.rate("numa_hint_faults_local"),
                r.has("numa_pages_migrated") ? r.rate("numa_pages_migrated") : r.rate("pgmigrate_success"),
                r.delta("oom_kill"));
    }

    /** Rates of /proc/vmstat counters between two samples. */
    private record VmRates(Map<String, Long> a, Map<String, Long> b, double window) {
        boolean has(String key) {
            return b.containsKey(key);
        }

        double delta(String key) {
            Long x = a.get(key);
            Long y = b.get(key);
            return x == null || y == null ? Double.NaN : Deltas.delta(x, y);
        }

        double rate(String key) {
            return window > 0 ? delta(key) / window : Double.NaN;
        }

        double sum(String... keys) {
            double total = 0;
            boolean any = false;
            for (String k : keys) {
                double v = rate(k);
                if (!Double.isNaN(v)) {
                    total += v;
                    any = true;
                }
            }
            return any ? total : Double.NaN;
        }

        /** allocstall was one counter until 4.10, then one per zone (allocstall_normal, _movable...). */
        double sumPrefix(String prefix) {
            return sum(b.keySet().stream().filter(k -> k.equals(prefix) || k.startsWith(prefix + "_"))
                    .toArray(String[]::new));
        }
    }
}
