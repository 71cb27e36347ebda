package io.triagebot.analysis.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-node NUMA allocation rates (numastat) and free memory.
 *
 * @param missPerSecond pages allocated here though the task wanted another node
 * @param otherNodePerSecond pages allocated here for a task running on another node (remote access)
 */
public record NumaMetrics(List<Node> nodes) {

    public record Node(int node, double hitPerSecond, double missPerSecond, double foreignPerSecond,
            double localNodePerSecond, double otherNodePerSecond, long memFreeKb, long memTotalKb) {
    }

    static NumaMetrics of(Map<Integer, Map<String, Long>> a, Map<Integer, Map<String, Long>> b,
            Map<Integer, Map<String, Long>> meminfo, double window) {
        List<Node> nodes = new ArrayList<>();
        b.forEach((node, y) -> {
            Map<String, Long> x = a.get(node);
            if (x == null) {
                return;
            }
            Map<String, Long> mem = meminfo.getOrDefault(node, Map.of());
            nodes.add(new Node(node, rate(x, y, "numa_hit", window), rate(x, y, "numa_miss", window),
                    rate(x, y, "numa_foreign", window), rate(x, y, "local_node", window),
                    rate(x, y, "other_node", window), mem.getOrDefault("MemFree", -1L),
                    mem.getOrDefault("MemTotal", -1L)));
        });
        return new NumaMetrics(List.copyOf(nodes));
    }

    private static double rate(Map<String, Long> x, Map<String, Long> y, String key, double window) {
        Long a = x.get(key);
        Long b = y.get(key);
        return a == null || b == null ? Double.NaN : Deltas.rate(a, b, window);
    }
}
