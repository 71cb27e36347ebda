package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.InterruptMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.NetMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Packet processing piled on one CPU: that CPU's softirq time several times the others', or the softnet
 * backlog dropping or running out of budget (netdata's softnet alarms). The softirq type that dominates the
 * CPU (NET_RX, NET_TX, TIMER...) says whether steering packets (RPS) would help.
 */
public final class SoftirqImbalanceDetector implements Detector {

    public static final String PATTERN = "softirq-imbalance";

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        CpuMetrics cpu = m.cpu();
        NetMetrics net = m.net();
        Limits lim = new Limits(context, PATTERN);

        CpuMetrics.Split busiest = null;
        double median = Double.NaN;
        if (cpu != null && cpu.perCpu().size() >= 2) {
            busiest = cpu.perCpu().stream().filter(c -> Grade.known(c.softirq()))
                    .max(Comparator.comparingDouble(CpuMetrics.Split::softirq)).orElse(null);
            if (busiest != null) {
                int b = busiest.cpu();
                median = median(cpu.perCpu().stream().filter(c -> c.cpu() != b && Grade.known(c.softirq()))
                        .map(CpuMetrics.Split::softirq).toList());
            }
        }
        double soft = busiest == null ? Double.NaN : busiest.softirq();
        boolean imbalanced = soft >= lim.v("warn-softirq-percent") && Grade.known(median)
                && soft >= lim.v("imbalance-multiple") * median;
        NetMetrics.Softnet drops = null;
        NetMetrics.Softnet squeezes = null;
        if (net != null) {
            drops = net.softnet().stream().filter(s -> s.droppedPerSecond() > 0)
                    .max(Comparator.comparingDouble(NetMetrics.Softnet::droppedPerSecond)).orElse(null);
            squeezes = net.softnet().stream().filter(s -> s.squeezedPerSecond() > 0)
                    .max(Comparator.comparingDouble(NetMetrics.Softnet::squeezedPerSecond)).orElse(null);
        }
        Grade g = new Grade();
        if (imbalanced) {
            g.meet(Severity.HIGH, Grade.above(soft, lim.v("warn-softirq-percent")));
            g.meet(Severity.CRITICAL, Grade.above(soft, lim.v("critical-softirq-percent")));
            g.meetIf(drops != null, Severity.CRITICAL, drops == null ? 1 : Grade.above(drops.droppedPerSecond(),
                    lim.v("warn-dropped-per-second")));
        }
        if (drops != null) {
            g.meet(Severity.HIGH, Grade.above(drops.droppedPerSecond(), lim.v("warn-dropped-per-second")));
        }
        if (squeezes != null) {
            g.meet(Severity.HIGH, Grade.above(squeezes.squeezedPerSecond(), lim.v("warn-squeezed-per-second")));
        }
        if (!g.any()) {
            return List.of();
        }
        int hotCpu = imbalanced ? busiest.cpu() : drops != null ? drops.cpu() : squeezes.cpu();
        String type = dominantType(m.softirqs(), hotCpu);
        boolean network = type != null && type.startsWith("NET_");
        NetMetrics.Interface iface = busiestInterface(net);
        boolean confirmed = imbalanced && network || drops != null;

        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        if (imbalanced) {
            f.title("Softirq work piled on CPU " + hotCpu + ": " + Format.percent(soft) + " softirq"
                    + (type == null ? "" : ", mostly " + type) + (median > 0 ? " (" + Format.count(soft / median) + "x the other CPUs)" : ""));
        } else {
            f.title("Packet backlog on CPU " + hotCpu + ": softnet " + (drops != null ? "dropping " + FindingBuilder.rate(drops.droppedPerSecond(), "packets")
                    : "out of budget " + Format.count(squeezes.squeezedPerSecond()) + " times/s"));
        }
        StringBuilder impact = new StringBuilder();
        if (Grade.known(soft)) {
            impact.append("CPU ").append(busiest.cpu()).append(' ').append(Format.percent(soft)).append(" softirq vs median ")
                    .append(Format.percent(median)).append(" on the other CPUs");
        }
        if (drops != null) {
            impact.append(impact.length() == 0 ? "" : "; ").append(FindingBuilder.rate(drops.droppedPerSecond(), "packets"))
                    .append(" dropped on CPU ").append(drops.cpu());
        }
        if (squeezes != null) {
            impact.append(impact.length() == 0 ? "" : "; ").append("budget exhausted ")
                    .append(Format.count(squeezes.squeezedPerSecond())).append(" times/s on CPU ").append(squeezes.cpu());
        }
        f.impact(impact.toString()).culprit("CPU " + hotCpu + (iface == null ? "" : " (" + iface.name() + ")"));

        if (cpu != null) {
            StringBuilder per = new StringBuilder("softirq time per CPU:");
            cpu.perCpu().stream().sorted(Comparator.comparingDouble((CpuMetrics.Split c) -> Grade.known(c.softirq()) ? c.softirq() : -1)
                    .reversed()).limit(8).forEach(c -> per.append(" cpu").append(c.cpu()).append(' ').append(Format.percent(c.softirq())));
            f.fact(per.toString(), f.window("/proc/stat cpuN lines"));
        }
        if (type != null) {
            f.fact("on CPU " + hotCpu + " the busiest softirq is " + type, f.window("/proc/softirqs"));
        }
        if (net != null) {
            for (NetMetrics.Softnet s : net.softnet()) {
                if (s.droppedPerSecond() > 0 || s.squeezedPerSecond() > 0 || s.cpu() == hotCpu) {
                    f.fact("softnet CPU " + s.cpu() + ": processed " + Format.count(s.processedPerSecond()) + "/s, dropped "
                            + Format.count(s.droppedPerSecond()) + "/s, time squeezed " + Format.count(s.squeezedPerSecond()) + "/s",
                            f.window("/proc/net/softnet_stat"));
                }
            }
        }
        if (iface != null) {
            f.fact(iface.name() + " receives " + Format.count(iface.rxPacketsPerSecond()) + " packets/s", f.window("/proc/net/dev"));
        }
        if (imbalanced) {
            f.crossed("CPU " + hotCpu + " softirq " + Format.percent(soft), lim,
                    soft >= lim.v("critical-softirq-percent") ? "critical-softirq-percent" : "warn-softirq-percent");
            f.crossed(Format.percent(soft) + " >= " + Format.count(lim.v("imbalance-multiple")) + " x median " + Format.percent(median),
                    lim, "imbalance-multiple");
        }
        if (drops != null && drops.droppedPerSecond() >= lim.v("warn-dropped-per-second")) {
            f.crossed(Format.count(drops.droppedPerSecond()) + " drops/s", lim, "warn-dropped-per-second");
        }
        if (squeezes != null && squeezes.squeezedPerSecond() >= lim.v("warn-squeezed-per-second")) {
            f.crossed(Format.count(squeezes.squeezedPerSecond()) + " squeezes/s", lim, "warn-squeezed-per-second");
        }
        if (!confirmed) {
            f.note("not confirmed: " + (type == null ? "the softirq type is unknown" : "the busiest softirq is " + type + ", not network work"));
        }

        f.command("mpstat -P ALL 1 5");
        f.command("watch -d -n1 cat /proc/softirqs");
        f.command("cat /proc/net/softnet_stat");
        f.command("sysctl net.core.netdev_budget net.core.netdev_max_backlog");
        if (iface != null) {
            f.command("cat " + Cgroups.word("/sys/class/net/" + iface.name() + "/queues") + "/rx-*/rps_cpus");
            f.command("ethtool -l " + Cgroups.word(iface.name()));
            f.command("ethtool -S " + Cgroups.word(iface.name()) + " | grep -iE 'drop|miss|fifo'");
        }
        if (network && iface != null && cpu != null && cpu.perCpu().size() >= 2) {
            List<Integer> others = new ArrayList<>();
            cpu.perCpu().forEach(c -> {
                if (c.cpu() != hotCpu) {
                    others.add(c.cpu());
                }
            });
            f.runbook("rps-mask", "steer " + iface.name() + " receive processing from CPU " + hotCpu + " to CPUs "
                    + CpuSets.list(others), "interface", iface.name(), "queue", "rx-0", "mask", CpuSets.mask(others));
        }
        f.longTerm("Spread packet work over CPUs: multiple NIC queues with RSS and their IRQs on different CPUs (irqbalance), "
                + "RPS/RFS for single-queue devices, and a larger net.core.netdev_budget when the budget runs out.");
        return List.of(f.build());
    }

    private static String dominantType(InterruptMetrics softirqs, int cpuNo) {
        if (softirqs == null) {
            return null;
        }
        String best = null;
        double max = 0;
        for (InterruptMetrics.Source s : softirqs.sources()) {
            int col = s.cpus().indexOf(cpuNo);
            if (col >= 0 && col < s.perCpu().length && s.perCpu()[col] > max) {
                max = s.perCpu()[col];
                best = s.id();
            }
        }
        return best;
    }

    private static NetMetrics.Interface busiestInterface(NetMetrics net) {
        if (net == null) {
            return null;
        }
        return net.interfaces().stream().filter(i -> !i.name().equals("lo") && i.rxPacketsPerSecond() > 0)
                .max(Comparator.comparingDouble(NetMetrics.Interface::rxPacketsPerSecond)).orElse(null);
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
