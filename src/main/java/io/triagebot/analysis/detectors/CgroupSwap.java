package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.snapshot.CgroupMemory;
import io.triagebot.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-cgroup memory between the two samples: swap growth (memory.swap.current in v2, memsw minus usage in
 * v1) and usage against the limit. The global vmstat counts swapping of every cgroup, but only these files
 * say which cgroup it is.
 */
record CgroupSwap(String path, int version, long usageBytes, long limitBytes, long swapBytes, double swapDeltaBytes) {

    double usagePercent() {
        return limitBytes > 0 ? 100.0 * usageBytes / limitBytes : Double.NaN;
    }

    static List<CgroupSwap> of(AnalysisContext context) {
        Snapshot s = context.snapshot();
        List<CgroupSwap> out = new ArrayList<>();
        if (s.second() == null) {
            return out;
        }
        for (CgroupMemory y : s.second().cgroupMemory()) {
            if ("/".equals(y.path())) {
                continue;
            }
            CgroupMemory x = s.first().cgroupMemory().stream()
                    .filter(c -> c.path().equals(y.path()) && c.version() == y.version()).findFirst().orElse(null);
            double delta = x == null || x.swapBytes() < 0 || y.swapBytes() < 0 ? Double.NaN : (double) y.swapBytes() - x.swapBytes();
            out.add(new CgroupSwap(y.path(), y.version(), y.usageBytes(), y.limitBytes(), y.swapBytes(), delta));
        }
        return out;
    }
}
