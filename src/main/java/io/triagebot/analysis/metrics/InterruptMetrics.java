package io.triagebot.analysis.metrics;

import io.triagebot.snapshot.Interrupts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Interrupt or softirq sources over the window, busiest first.
 */
public record InterruptMetrics(List<Source> sources) {

    /**
     * One source's rate, in total and on its busiest CPU.
     *
     * @param perCpu per-second rate for each column CPU, in column order
     * @param cpus the CPU numbers of the columns
     */
    public record Source(String id, String description, double perSecond, int busiestCpu, double busiestCpuPerSecond,
            double[] perCpu, List<Integer> cpus) {
    }

    public Source find(String id) {
        return sources.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    static InterruptMetrics of(Interrupts a, Interrupts b, double window) {
        if (a == null || b == null || !(window > 0)) {
            return null;
        }
        List<Source> out = new ArrayList<>();
        for (Interrupts.Source y : b.sources()) {
            Interrupts.Source x = a.sources().stream().filter(s -> s.id().equals(y.id())).findFirst().orElse(null);
            if (x == null || x.perCpu().length != y.perCpu().length) {
                continue;
            }
            double[] per = new double[y.perCpu().length];
            double total = 0;
            int busiest = 0;
            for (int i = 0; i < per.length; i++) {
                double d = Deltas.rate(x.perCpu()[i], y.perCpu()[i], window);
                per[i] = Double.isNaN(d) ? 0 : d;
                total += per[i];
                if (per[i] > per[busiest]) {
                    busiest = i;
                }
            }
            int cpu = busiest < b.cpuColumns().size() ? b.cpuColumns().get(busiest) : busiest;
            out.add(new Source(y.id(), y.description(), total, cpu, per.length == 0 ? 0 : per[busiest], per,
                    b.cpuColumns()));
        }
        out.sort(Comparator.comparingDouble(Source::perSecond).reversed());
        return new InterruptMetrics(List.copyOf(out));
    }
}
