package io.triagebot.analysis.detectors;

import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/** CPU sets as the kernel writes them: lists ("0,2-3") for smp_affinity_list, hex masks ("d") for rps_cpus. */
final class CpuSets {

    private CpuSets() {
    }

    static String list(Collection<Integer> cpus) {
        List<Integer> sorted = List.copyOf(new TreeSet<>(cpus));
        StringBuilder s = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int start = sorted.get(i);
            int end = start;
            while (i + 1 < sorted.size() && sorted.get(i + 1) == end + 1) {
                end = sorted.get(++i);
            }
            s.append(s.length() == 0 ? "" : ",").append(start);
            if (end > start) {
                s.append(end == start + 1 ? "," : "-").append(end);
            }
            i++;
        }
        return s.toString();
    }

    static String mask(Collection<Integer> cpus) {
        BigInteger m = BigInteger.ZERO;
        for (int c : cpus) {
            m = m.setBit(c);
        }
        // The kernel reads and writes cpumasks as 32-bit hex groups separated by commas, most significant
        // first ("ff,ffffffff" for CPUs 0-39); one long hex number is refused past 32 CPUs.
        String hex = m.toString(16);
        StringBuilder out = new StringBuilder();
        for (int end = hex.length(); end > 0; end -= 8) {
            String group = hex.substring(Math.max(0, end - 8), end);
            out.insert(0, out.isEmpty() ? group : group + ",");
        }
        return out.toString();
    }
}
