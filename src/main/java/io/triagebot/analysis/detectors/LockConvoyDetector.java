package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CpuMetrics;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cascading lock contention. Without /proc/lock_stat the signature is indirect (triage reference): many
 * tasks of one program waiting in the same lock wait channel (futex, rwsem, mutex) in both samples, a
 * switch surge, and that program's CPU going mostly to the kernel. A task running at the instant its
 * wchan is read shows none, so the share is taken over the tasks that were waiting. Only lock_stat
 * confirms; otherwise the finding is a hypothesis with the commands that would confirm it.
 */
public final class LockConvoyDetector implements Detector {

    /** A kernel symbol or a plain process name: safe inside a single-quoted bpftrace program. */
    private static final java.util.regex.Pattern SYMBOL = java.util.regex.Pattern.compile("[A-Za-z0-9_.]{1,64}");

    public static final String PATTERN = "lock-convoy";

    /** "  &mm->mmap_lock-W:   338   338   0.22 ..." : class name, con-bounces, contentions, waittime-min, -max, -total. */
    private static final Pattern LOCK_STAT_LINE = Pattern.compile(
            "\\s*(\\S.*?):\\s+(\\d+)\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+.*");

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        CpuMetrics cpu = context.metrics().cpu();
        if (cpu == null || !Grade.known(cpu.contextSwitchesPerSecond()) || context.snapshot().second() == null) {
            return List.of();
        }
        Limits lim = new Limits(context, PATTERN);
        double rate = cpu.contextSwitchesPerSecond();
        if (!(rate >= lim.v("warn-switches-per-second"))) {
            return List.of();
        }
        Tasks tasks = Tasks.of(context);
        List<Convoys.Convoy> convoys = Convoys.find(context, tasks);
        if (convoys.isEmpty()) {
            return List.of();
        }
        Convoys.Convoy c = convoys.get(0);
        Tasks.Program p = c.program();
        double share = lim.v("wchan-share-percent");
        boolean systemHeavy = p.systemShare() >= lim.v("system-share-percent");
        LockStat top = lockStat(context.snapshot().gauges().lockStat());

        // The reference rule (strong) or a sighting in a program spinning in the kernel: HIGH; else MEDIUM.
        Grade g = new Grade();
        double ratio = Grade.above(rate, lim.v("warn-switches-per-second"));
        g.meet(c.strong() || systemHeavy ? Severity.HIGH : Severity.MEDIUM, ratio);
        if (top != null && (c.strong() || systemHeavy)) {
            g.meet(Severity.CRITICAL, ratio);
        }
        Tasks.Waits w = c.best();
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(top != null);
        f.title((top == null ? "Possible lock convoy in " : "Lock convoy in ") + p.label() + ": waiting tasks sleep in "
                + w.topWchan() + " while the host switches " + Format.count(rate) + " times/s");
        f.impact(Format.count(rate) + " context switches/s; " + p.comm() + " spends " + Tasks.cpuPercent(p.systemCpus())
                + " in the kernel (" + Format.percent(p.systemShare()) + " of its CPU), " + w.inTopWchan() + " of "
                + w.tasks() + " tasks in " + w.topWchan());
        f.culprit(p.label());
        waits(f, "first", c.first());
        waits(f, "second", c.second());
        if (!c.strong()) {
            f.note("the reference rule (" + Format.percent(share) + " of all tasks on one wchan in both samples) holds only "
                    + "among the tasks that were waiting: tasks running when read show no wchan");
        }
        for (Convoys.Convoy other : convoys.subList(1, Math.min(4, convoys.size()))) {
            f.fact("also waiting on a lock: " + other.program().label() + ", " + other.best().inTopWchan() + " of "
                    + other.best().tasks() + " threads in " + other.wchan(), "/proc/PID/task/TID/wchan");
        }
        f.fact("context switches " + Format.count(rate) + "/s", f.window("/proc/stat ctxt"));
        f.fact(p.comm() + " CPU: system " + Tasks.cpuPercent(p.systemCpus()) + ", user " + Tasks.cpuPercent(p.userCpus()),
                f.window("/proc/PID/stat stime, utime"));
        f.crossed(Format.count(rate) + " switches/s", lim, "warn-switches-per-second");
        f.crossed(w.inTopWchan() + " of " + w.withWchan() + " waiting tasks in " + w.topWchan(), lim, "wchan-share-percent");
        f.crossed(p.comm() + " uses " + Tasks.cpuPercent(p.cpus()) + ", " + Format.percent(p.systemShare())
                + " of it in the kernel (an active program, not an idle pool)", lim, "min-system-share-percent");
        if (systemHeavy) {
            f.crossed(p.comm() + "'s CPU is " + Format.percent(p.systemShare()) + " kernel time (high %sys with flat throughput)",
                    lim, "system-share-percent");
        } else {
            f.note(p.comm() + "'s CPU is mostly user time (" + Format.percent(100 - p.systemShare())
                    + "): waiting, not spinning, so the cost may be latency rather than CPU");
        }
        if (top == null) {
            f.note("not confirmed: /proc/lock_stat is unavailable (debug kernels only) and no lock trace was taken; "
                    + "run the commands below to confirm");
        } else {
            f.fact("most contended kernel lock: " + top.name() + ", " + Format.count(top.contentions()) + " contentions, "
                    + Format.millis(top.waitTotalMicros() / 1000) + " waited in total (since lock_stat was cleared)",
                    FindingBuilder.once("/proc/lock_stat"));
        }

        // Inside a single-quoted bpftrace program a host word cannot be quoted again: a name that is not plain
        // is left out (the pid filter stands in), and so is a wait channel that is not a kernel symbol.
        boolean plainComm = p.comm() != null && SYMBOL.matcher(p.comm()).matches();
        String filter = p.pids().size() == 1 || !plainComm ? "pid == " + p.mainPid() : "comm == \"" + p.comm() + "\"";
        f.command("perf lock contention -ab -- sleep 5");
        f.command("cat /proc/" + p.mainPid() + "/task/*/stack | sort | uniq -c | sort -rn | head -20");
        f.command("pidstat -w -t -p " + p.mainPid() + " 1 5");
        if (w.topWchan() != null && w.topWchan().startsWith("futex")) {
            f.command("bpftrace -e 'tracepoint:syscalls:sys_enter_futex /" + filter
                    + "/ { @[ustack(6)] = count(); } interval:s:5 { exit(); }'");
        } else if (w.topWchan() != null && SYMBOL.matcher(w.topWchan()).matches()) {
            f.command("bpftrace -e 'kprobe:" + w.topWchan() + " /" + filter + "/ { @[kstack(8)] = count(); } interval:s:5 { exit(); }'");
        }
        f.command("offcputime-bpfcc -p " + p.mainPid() + " 5");
        f.longTerm("No generic kernel knob: reduce the number of workers contending, shorten or shard the critical section "
                + "(per-CPU or striped locks), or restart the lock holder; for kernel locks (mmap_lock, inode rwsem) avoid the "
                + "shared operation (mmap/munmap churn, many writers on one file).");
        return List.of(f.build());
    }

    private static void waits(FindingBuilder f, String which, Tasks.Waits w) {
        String text = w.tasks() + " tasks: " + w.running() + " running, " + w.withWchan() + " waiting with a known wchan, "
                + (w.topWchan() == null ? "none on a lock" : w.inTopWchan() + " in " + w.topWchan());
        f.fact(text, "/proc/PID/task/TID/stat and wchan, " + which + " sample");
    }

    /** The most contended class of /proc/lock_stat (sorted by contentions), or null when absent or idle. */
    record LockStat(String name, long contentions, double waitTotalMicros) {
    }

    static LockStat lockStat(List<String> lines) {
        if (lines == null) {
            return null;
        }
        for (String line : lines) {
            if (line.contains("class name") || line.startsWith("lock_stat")) {
                continue;
            }
            Matcher m = LOCK_STAT_LINE.matcher(line);
            if (m.matches()) {
                try {
                    long contentions = Long.parseLong(m.group(3));
                    return contentions > 0 ? new LockStat(m.group(1).strip(), contentions, Double.parseDouble(m.group(6))) : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
