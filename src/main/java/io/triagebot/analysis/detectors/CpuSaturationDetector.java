package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CgroupMetrics;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.PressureShare;
import io.triagebot.snapshot.LoadAvg;
import java.util.Comparator;
import java.util.List;

/**
 * More runnable work than CPUs (USE saturation): runnable count, CPU pressure and run-queue delay, with
 * the CPUs near 100% busy. Confirmed only when the busy time is user work and a wait measure agrees; when
 * the kernel burns most of the time, saturation is a symptom of a kernel-side pattern (interrupts,
 * switching, lock spinning, reclaim) and is reported as a hypothesis at most HIGH.
 */
public final class CpuSaturationDetector implements Detector {

    public static final String PATTERN = "cpu-saturation";

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        CpuMetrics cpu = m.cpu();
        if (cpu == null || cpu.total() == null || !Grade.known(cpu.total().busy())) {
            return List.of();
        }
        int n = m.cpuCount() > 0 ? m.cpuCount() : cpu.perCpu().size();
        if (n <= 0) {
            return List.of();
        }
        Limits lim = new Limits(context, PATTERN);
        CpuMetrics.Split t = cpu.total();
        double busy = t.busy();
        double kernel = t.system() + t.irq() + t.softirq();
        PressureShare psi = m.cpuPressure();
        double some = psi == null ? Double.NaN : psi.some();
        double runDelay = Grade.known(cpu.runDelayMillisPerSecond()) ? cpu.runDelayMillisPerSecond() / n / 10 : Double.NaN;
        // procs_running counts the process reading /proc/stat, which is running by definition.
        int runnable = cpu.runnable();

        double warnRunnable = n * lim.v("warn-runnable-per-cpu");
        double critRunnable = n * lim.v("critical-runnable-per-cpu");
        Grade g = new Grade();
        g.meetIf(runnable > warnRunnable, Severity.HIGH, Grade.above(runnable, warnRunnable));
        g.meet(Severity.HIGH, Grade.above(some, lim.v("warn-pressure-some-percent")));
        g.meet(Severity.HIGH, Grade.above(runDelay, lim.v("warn-run-delay-percent")));
        g.meetIf(runnable > critRunnable, Severity.CRITICAL, Grade.above(runnable, critRunnable));
        g.meet(Severity.CRITICAL, Grade.above(some, lim.v("critical-pressure-some-percent")));
        g.meet(Severity.CRITICAL, Grade.above(runDelay, lim.v("critical-run-delay-percent")));
        if (!g.any()) {
            return steal(context, lim, t);
        }
        boolean utilized = busy >= lim.v("busy-percent");
        boolean kernelBound = kernel >= lim.v("kernel-bound-percent");
        boolean waitMeasured = some >= lim.v("warn-pressure-some-percent") || runDelay >= lim.v("warn-run-delay-percent");
        boolean confirmed = utilized && !kernelBound && waitMeasured;
        if (!utilized) {
            // procs_running is one instant; with idle CPUs over the window and no measured wait (PSI, run
            // delay) a momentary burst is all it shows, which is no more than a note.
            g.cap(waitMeasured ? Severity.MEDIUM : Severity.LOW);
        } else if (!confirmed) {
            g.cap(Severity.HIGH);
        }

        Tasks tasks = Tasks.of(context);
        Tasks.Program top = tasks.top();
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        String who = top == null ? "" : ", top " + top.label() + " using " + Tasks.cpuPercent(top.cpus());
        if (kernelBound && utilized) {
            f.title("CPUs saturated by kernel work (" + Format.percent(kernel) + " system/irq/softirq): " + runnable
                    + " runnable on " + n + " CPUs" + who);
        } else if (!utilized) {
            f.title("Tasks wait for CPU while CPUs show " + Format.percent(t.idle() + t.iowait()) + " idle" + who);
        } else {
            f.title("CPU saturated: " + runnable + " runnable on " + n + " CPUs" + who);
        }
        StringBuilder impact = new StringBuilder("CPU ").append(Format.percent(busy)).append(" busy (")
                .append(Format.percent(t.user() + t.nice())).append(" user, ").append(Format.percent(kernel))
                .append(" system), ").append(runnable).append(" runnable tasks on ").append(n).append(" CPUs");
        if (Grade.known(some)) {
            impact.append(", tasks waited for a CPU ").append(Format.percent(some)).append(" of the time (CPU PSI some)");
        }
        if (Grade.known(runDelay)) {
            impact.append(", run-queue delay ").append(Format.millis(runDelay * 10)).append(" per CPU per second");
        }
        f.impact(impact.toString());
        f.culprit(top == null ? null : top.label());

        f.fact("CPU busy " + Format.percent(busy) + ": user " + Format.percent(t.user()) + ", nice " + Format.percent(t.nice())
                + ", system " + Format.percent(t.system()) + ", irq " + Format.percent(t.irq()) + ", softirq "
                + Format.percent(t.softirq()) + ", steal " + Format.percent(t.steal()) + ", iowait "
                + Format.percent(t.iowait()) + ", idle " + Format.percent(t.idle()), f.window("/proc/stat cpu line"));
        f.fact("runnable tasks " + runnable + " on " + n + " CPUs (procs_running " + (runnable + 1) + " minus the reading process)",
                FindingBuilder.once("/proc/stat procs_running, second sample"));
        if (psi == null) {
            f.note("CPU pressure not measured: /proc/pressure/cpu unavailable (needs CONFIG_PSI)");
        } else {
            f.fact("CPU PSI some " + Format.percent(some) + " of the time",
                    psi.fromAverage() ? FindingBuilder.once("/proc/pressure/cpu avg10") : f.window("/proc/pressure/cpu total"));
        }
        if (Grade.known(runDelay)) {
            f.fact("run-queue delay " + Format.millis(cpu.runDelayMillisPerSecond()) + " per second over " + n + " CPUs ("
                    + Format.percent(runDelay) + " per CPU)", f.window("/proc/schedstat"));
        } else {
            f.note("run-queue delay not measured: /proc/schedstat unavailable (needs CONFIG_SCHEDSTATS)");
        }
        LoadAvg load = context.snapshot().gauges().loadavg();
        if (load != null) {
            f.fact("load average " + Format.decimal(load.one()) + " / " + Format.decimal(load.five()) + " / "
                    + Format.decimal(load.fifteen()) + " (counts D-state tasks too)", FindingBuilder.once("/proc/loadavg"));
        }
        perCpu(f, cpu);
        if (runnable > critRunnable) {
            f.crossed(runnable + " runnable > " + Format.count(critRunnable) + " (critical per CPU x " + n + ")", lim,
                    "critical-runnable-per-cpu");
        } else if (runnable > warnRunnable) {
            f.crossed(runnable + " runnable > " + Format.count(warnRunnable) + " (CPU count)", lim, "warn-runnable-per-cpu");
        }
        if (some >= lim.v("critical-pressure-some-percent")) {
            f.crossed("CPU PSI some " + Format.percent(some), lim, "critical-pressure-some-percent");
        } else if (some >= lim.v("warn-pressure-some-percent")) {
            f.crossed("CPU PSI some " + Format.percent(some), lim, "warn-pressure-some-percent");
        }
        if (runDelay >= lim.v("critical-run-delay-percent")) {
            f.crossed("run-queue delay " + Format.percent(runDelay) + " per CPU", lim, "critical-run-delay-percent");
        } else if (runDelay >= lim.v("warn-run-delay-percent")) {
            f.crossed("run-queue delay " + Format.percent(runDelay) + " per CPU", lim, "warn-run-delay-percent");
        }
        if (utilized) {
            f.crossed("CPU busy " + Format.percent(busy), lim, "busy-percent");
        } else {
            f.note("not confirmed: the CPUs were only " + Format.percent(busy) + " busy (below "
                    + lim.cite("busy-percent") + "): short bursts, cgroup quotas or CPU pinning can make tasks wait with idle CPUs");
        }
        if (kernelBound) {
            f.note("not confirmed as plain CPU demand: the kernel used " + Format.percent(kernel)
                    + " of all CPU time [" + lim.cite("kernel-bound-percent")
                    + "]; look first at kernel-side findings (interrupts, context switches, locks, reclaim), which more CPUs would not fix");
        } else if (utilized && !waitMeasured) {
            f.note("not confirmed: no wait measure (CPU PSI or run-queue delay) corroborates the runnable count, a single instant");
        }
        int listed = 0;
        for (Tasks.Program p : tasks.programs()) {
            if (listed == 5 || !(p.cpus() >= 0.05)) {
                break;
            }
            f.fact("CPU user: " + p.label() + " " + Tasks.cpuPercent(p.cpus()) + " (user " + Format.percent(100 * p.userCpus())
                    + ", system " + Format.percent(100 * p.systemCpus()) + ")", f.window("/proc/PID/stat utime, stime"));
            listed++;
        }

        f.command("mpstat -P ALL 1 5");
        f.command("pidstat -u 1 5");
        if (top != null) {
            f.command("perf top -p " + top.mainPid());
            f.command("grep ctxt /proc/" + top.mainPid() + "/status");
        }
        if (kernelBound) {
            f.command("perf record -a -g -- sleep 10 && perf report --sort comm,sym --stdio | head -60");
        }
        f.command("cat /proc/pressure/cpu");
        if (top != null) {
            String nice = FindingBuilder.whole(lim.v("suggested-nice"));
            f.runbook("renice", "lower the priority of the top CPU user " + top.label() + " so other work gets CPU first",
                    "pid", Integer.toString(top.mainPid()), "nice", nice);
            if (n >= 2) {
                String cpus = n == 2 ? "0" : "0-" + (n - 2);
                f.runbook("taskset", "confine " + top.label() + " to CPUs " + cpus + ", leaving CPU " + (n - 1)
                        + " for everything else", "pid", Integer.toString(top.mainPid()), "cpus", cpus);
            }
        }
        CgroupMetrics.Cpu unit = topUnit(m);
        if (unit != null && n >= 2 && unit.usageCpus() > n - 1) {
            String quota = FindingBuilder.whole(100.0 * (n - 1)) + "%";
            f.runbook("unit-cpu-quota", "cap " + Cgroups.unit(unit.path()) + " (using " + Tasks.cpuPercent(unit.usageCpus())
                    + ") to " + (n - 1) + " CPU(s)", "unit", Cgroups.unit(unit.path()), "cgroup", unit.path(), "quota", quota);
        }
        f.longTerm(kernelBound
                ? "Find what the kernel is doing (perf record -a -g): interrupts, context switching, lock spinning or reclaim; fix that cause rather than adding CPUs."
                : "Add CPU capacity or reduce demand: profile the top consumer (perf record -g -p PID), size worker pools to the CPU count, and cap batch work with CPUQuota/CPUWeight.");
        return List.of(f.build());
    }

    /** Steal alone is the hypervisor's doing, not saturation by this host's work. */
    private static List<Finding> steal(AnalysisContext context, Limits lim, CpuMetrics.Split t) {
        double steal = t.steal();
        if (!(steal >= lim.v("steal-percent"))) {
            return List.of();
        }
        FindingBuilder f = new FindingBuilder(PATTERN, context).severity(Severity.MEDIUM)
                .score(Grade.above(steal, lim.v("steal-percent"))).confirmed(false)
                .title("CPU steal " + Format.percent(steal) + ": the hypervisor is taking CPU time from this guest")
                .impact(Format.percent(steal) + " of CPU time stolen by the hypervisor");
        f.fact("steal " + Format.percent(steal) + ", busy " + Format.percent(t.busy()), f.window("/proc/stat cpu line"));
        f.crossed("steal " + Format.percent(steal), lim, "steal-percent");
        f.command("mpstat -P ALL 1 5");
        f.command("vmstat 1 5");
        f.longTerm("Ask the platform team about noisy neighbours or CPU overcommit on the host; move to dedicated or larger instances.");
        return List.of(f.build());
    }

    private static void perCpu(FindingBuilder f, CpuMetrics cpu) {
        if (cpu.perCpu().size() < 2) {
            return;
        }
        StringBuilder s = new StringBuilder("per CPU busy:");
        List<CpuMetrics.Split> busiest = cpu.perCpu().stream()
                .sorted(Comparator.comparingDouble((CpuMetrics.Split c) -> Grade.known(c.busy()) ? c.busy() : -1).reversed())
                .limit(8).toList();
        for (CpuMetrics.Split c : busiest) {
            s.append(" cpu").append(c.cpu()).append(' ').append(Format.percent(c.busy()));
        }
        if (cpu.perCpu().size() > 8) {
            s.append(" (busiest 8 of ").append(cpu.perCpu().size()).append(')');
        }
        f.fact(s.toString(), f.window("/proc/stat cpuN lines"));
    }

    /** The systemd unit using the most CPU (cgroup v2 usage), or null. */
    private static CgroupMetrics.Cpu topUnit(Metrics m) {
        if (m.cgroups() == null) {
            return null;
        }
        CgroupMetrics.Cpu busiest = Cgroups.mostSpecific(m.cgroups().cpu(), CgroupMetrics.Cpu::path,
                c -> Grade.known(c.usageCpus()) ? c.usageCpus() : 0);
        return busiest == null || Cgroups.unit(busiest.path()) == null ? null : busiest;
    }
}
