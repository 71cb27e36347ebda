package io.triagebot.analysis.metrics;

import io.triagebot.snapshot.CpuTimes;
import io.triagebot.snapshot.ProcStat;
import io.triagebot.snapshot.SchedStat;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU utilisation and saturation over the window, as vmstat 1 and mpstat -P ALL 1 report them.
 *
 * @param total the whole machine
 * @param perCpu one entry per CPU present in both samples
 * @param contextSwitchesPerSecond vmstat cs
 * @param interruptsPerSecond vmstat in
 * @param forksPerSecond new processes per second
 * @param runnable procs_running at the second sample (vmstat r) minus one: the process reading /proc/stat
 *     is always running at that instant and is not load
 * @param blocked procs_blocked at the second sample (vmstat b)
 * @param userHz ticks per second inferred from the data (USER_HZ, normally 100)
 * @param runDelayMillisPerSecond time tasks waited on run queues, summed over CPUs, per second (schedstat);
 *     NaN when unavailable
 */
public record CpuMetrics(Split total, List<Split> perCpu, double contextSwitchesPerSecond, double interruptsPerSecond,
        double forksPerSecond, int runnable, int blocked, double userHz, double runDelayMillisPerSecond) {

    /** Percentages of time in each state, mpstat style; they sum to about 100. */
    public record Split(int cpu, double user, double nice, double system, double idle, double iowait, double irq,
            double softirq, double steal) {

        public double busy() {
            return user + nice + system + irq + softirq + steal;
        }
    }

    static CpuMetrics of(ProcStat a, ProcStat b, SchedStat sa, SchedStat sb, double window) {
        if (a == null || b == null || !(window > 0)) {
            return null;
        }
        Split total = split(a.total(), b.total());
        List<Split> per = new ArrayList<>();
        for (CpuTimes cb : b.perCpu()) {
            a.perCpu().stream().filter(ca -> ca.cpu() == cb.cpu()).findFirst()
                    .map(ca -> split(ca, cb)).ifPresent(per::add);
        }
        double ticks = Deltas.delta(a.total().total(), b.total().total());
        double userHz = ticks / (window * Math.max(1, b.cpuCount()));
        double runDelay = Double.NaN;
        if (sa != null && sb != null) {
            runDelay = Deltas.delta(sa.totalWaitingNanos(), sb.totalWaitingNanos()) / 1e6 / window;
        }
        return new CpuMetrics(total, per, Deltas.rate(a.contextSwitches(), b.contextSwitches(), window),
                Deltas.rate(a.interrupts(), b.interrupts(), window), Deltas.rate(a.forks(), b.forks(), window),
                Math.max(0, b.procsRunning() - 1), b.procsBlocked(), userHz, runDelay);
    }

    private static Split split(CpuTimes a, CpuTimes b) {
        double all = Deltas.delta(a.total(), b.total());
        return new Split(b.cpu(),
                Deltas.percent(Deltas.delta(a.user(), b.user()) - Deltas.delta(a.guest(), b.guest()), all),
                Deltas.percent(Deltas.delta(a.nice(), b.nice()) - Deltas.delta(a.guestNice(), b.guestNice()), all),
                Deltas.percent(Deltas.delta(a.system(), b.system()), all),
                Deltas.percent(Deltas.delta(a.idle(), b.idle()), all),
                Deltas.percent(Deltas.delta(a.iowait(), b.iowait()), all),
                Deltas.percent(Deltas.delta(a.irq(), b.irq()), all),
                Deltas.percent(Deltas.delta(a.softirq(), b.softirq()), all),
                Deltas.percent(Deltas.delta(a.steal(), b.steal()), all));
    }
}
