package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.PressureShare;
import java.util.List;

/**
 * Scheduler overload from too many switching tasks: the /proc/stat ctxt rate against PMIE's 4,000 per CPU,
 * with its visible cost (CPU pressure, run-queue delay, system time) and the program spending the most
 * kernel time. When that program's waiting threads sit on a lock, the switches are lock hand-offs: the
 * finding stays a hypothesis and points at lock-convoy.
 */
public final class ContextSwitchExplosionDetector implements Detector {

    public static final String PATTERN = "context-switch-explosion";

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        CpuMetrics cpu = m.cpu();
        if (cpu == null || !Grade.known(cpu.contextSwitchesPerSecond())) {
            return List.of();
        }
        int n = m.cpuCount() > 0 ? m.cpuCount() : cpu.perCpu().size();
        if (n <= 0) {
            return List.of();
        }
        Limits lim = new Limits(context, PATTERN);
        double rate = cpu.contextSwitchesPerSecond();
        double perCpu = rate / n;
        CpuMetrics.Split t = cpu.total();
        double sys = t.system();
        double busy = t.busy();
        PressureShare psi = m.cpuPressure();
        double some = psi == null ? Double.NaN : psi.some();
        double runDelay = Grade.known(cpu.runDelayMillisPerSecond()) ? cpu.runDelayMillisPerSecond() / n / 10 : Double.NaN;

        Grade g = new Grade();
        g.meet(Severity.HIGH, Grade.above(perCpu, lim.v("warn-per-cpu-per-second")));
        if (sys >= lim.v("critical-system-percent")) {
            g.meet(Severity.CRITICAL, Grade.above(perCpu, lim.v("critical-per-cpu-per-second")));
        }
        if (!g.any()) {
            return List.of();
        }
        boolean pmieSystem = busy >= lim.v("pmie-busy-percent") && busy > 0
                && 100 * (sys + t.irq() + t.softirq()) / busy > lim.v("pmie-system-share-percent");
        boolean cost = some >= lim.v("cost-pressure-some-percent") || runDelay >= lim.v("cost-run-delay-percent")
                || sys >= lim.v("critical-system-percent") || pmieSystem;
        boolean idle = !(busy >= lim.v("idle-below-busy-percent"));

        Tasks tasks = Tasks.of(context);
        Tasks.Program culprit = tasks.topSystem();
        // Switches are lock hand-offs when the switching program waits on a lock, or when a program shows the
        // full convoy signature: the voluntary/involuntary split that would tell them apart is not collected.
        Convoys.Convoy convoy = Convoys.find(context, tasks).stream()
                .filter(c -> c.strong() || culprit != null && c.program().comm().equals(culprit.comm()))
                .findFirst().orElse(null);
        boolean lockExplained = convoy != null;
        PressureShare io = m.ioPressure();
        boolean ioExplained = io != null && io.some() >= lim.v("io-wait-share-percent");
        boolean confirmed = cost && !idle && culprit != null && !lockExplained && !ioExplained;
        if (!cost || idle) {
            g.cap(Severity.MEDIUM);
        } else if (lockExplained || ioExplained) {
            g.cap(Severity.HIGH);
        }

        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        f.title("Context switch storm: " + FindingBuilder.rate(rate, "switches") + " (" + Format.count(perCpu) + " per CPU)"
                + (culprit == null ? "" : ", driven by " + culprit.label()));
        StringBuilder impact = new StringBuilder(FindingBuilder.rate(rate, "context switches")).append(" on ").append(n)
                .append(" CPUs, system time ").append(Format.percent(sys));
        if (Grade.known(some)) {
            impact.append(", CPU PSI some ").append(Format.percent(some));
        }
        if (culprit != null) {
            impact.append("; ").append(culprit.comm()).append(" spends ").append(Tasks.cpuPercent(culprit.systemCpus()))
                    .append(" in the kernel");
        }
        f.impact(impact.toString()).culprit(culprit == null ? null : culprit.label());

        f.fact("context switches " + Format.count(rate) + "/s in total, " + Format.count(perCpu)
                + "/s per CPU", f.window("/proc/stat ctxt"));
        f.fact("CPU busy " + Format.percent(busy) + ", system " + Format.percent(sys) + ", user " + Format.percent(t.user()),
                f.window("/proc/stat cpu line"));
        if (psi != null) {
            f.fact("CPU PSI some " + Format.percent(some), psi.fromAverage() ? FindingBuilder.once("/proc/pressure/cpu avg10")
                    : f.window("/proc/pressure/cpu total"));
        }
        if (Grade.known(runDelay)) {
            f.fact("run-queue delay " + Format.percent(runDelay) + " per CPU", f.window("/proc/schedstat"));
        }
        if (m.processes() != null && m.processes().totalThreads() > 0) {
            f.fact(m.processes().totalThreads() + " threads on the host", FindingBuilder.once("/proc/PID/task, second sample"));
        }
        if (culprit != null) {
            f.fact("most kernel time: " + culprit.label() + ", " + culprit.tasks() + " threads, system "
                    + Tasks.cpuPercent(culprit.systemCpus()) + ", user " + Tasks.cpuPercent(culprit.userCpus()),
                    f.window("/proc/PID/stat stime, utime"));
        } else {
            f.note("not mapped to processes: per-process CPU times were not available in both samples");
        }
        f.note("the voluntary/non-voluntary split is not collected: non-voluntary means oversubscription, voluntary a lock or wakeup storm (pidstat -w shows it)");
        if (perCpu >= lim.v("critical-per-cpu-per-second") && sys >= lim.v("critical-system-percent")) {
            f.crossed(Format.count(perCpu) + " switches/s per CPU", lim, "critical-per-cpu-per-second");
            f.crossed("system time " + Format.percent(sys), lim, "critical-system-percent");
        } else {
            f.crossed(Format.count(perCpu) + " switches/s per CPU", lim, "warn-per-cpu-per-second");
        }
        if (some >= lim.v("cost-pressure-some-percent")) {
            f.crossed("CPU PSI some " + Format.percent(some) + " (a visible cost)", lim, "cost-pressure-some-percent");
        }
        if (pmieSystem) {
            f.crossed("busy " + Format.percent(busy) + " with kernel share " + Format.percent(100 * (sys + t.irq() + t.softirq()) / busy)
                    + " (PMIE cpu/system)", lim, "pmie-system-share-percent");
        }
        if (idle) {
            f.note("not confirmed: the CPUs were only " + Format.percent(busy) + " busy, so the switching has little visible cost");
        } else if (!cost) {
            f.note("not confirmed: no visible cost (CPU PSI, run-queue delay or system time) at this rate");
        }
        if (lockExplained) {
            f.note("possibly lock hand-offs rather than oversubscription: " + convoy.best().inTopWchan() + " of "
                    + convoy.program().label() + "'s threads wait in " + convoy.wchan() + " (see the lock-convoy finding)");
        }

        if (ioExplained) {
            f.note("likely I/O waits: tasks waited on I/O " + Format.percent(io.some()) + " of the time (IO PSI some) ["
                    + lim.cite("io-wait-share-percent") + "]: each synchronous I/O sleeps and wakes (see the io-stall finding)");
        }
        f.command("pidstat -w 1 5");
        f.command("vmstat 1 5");
        if (culprit != null) {
            f.command("grep ctxt /proc/" + culprit.mainPid() + "/status");
            f.command("perf top -p " + culprit.mainPid());
        }
        f.command("bpftrace -e 'tracepoint:sched:sched_switch { @[args->prev_comm] = count(); } interval:s:5 { exit(); }'");
        f.command("perf sched record -- sleep 5 && perf sched latency --sort max | head -30");
        if (culprit != null) {
            f.runbook("renice", "lower the priority of " + culprit.label() + " so its switching delays other work less",
                    "pid", Integer.toString(culprit.mainPid()), "nice", FindingBuilder.whole(lim.v("suggested-nice")));
        }
        f.longTerm("Reduce runnable threads (size pools to the CPU count), batch wakeups, and replace sleep/poll loops and "
                + "pipe ping-pong with blocking waits or batching; if the switches are voluntary, look for a contended lock.");
        return List.of(f.build());
    }
}
