package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.snapshot.LoadAvg;
import io.triagebot.snapshot.SoftwareResources.CgroupPids;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Process and thread capacity (USE software resources): every task takes a pid, so the host's tasks are
 * measured against kernel.pid_max and kernel.threads-max, and each pids cgroup against its pids.max, with
 * the controller's own count of refused forks (pids.events "max") and the kernel's "fork rejected" lines.
 */
public final class PidExhaustionDetector implements Detector {

    public static final String PATTERN = "pid-exhaustion";
    private static final Pattern REJECTED = Pattern.compile("cgroup: fork rejected by pids controller in (\\S+)");

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        List<Finding> out = new ArrayList<>();
        Limits lim = new Limits(context, PATTERN);
        host(context, lim, out);
        for (CgroupPids c : context.snapshot().gauges().software().cgroupPids()) {
            cgroup(context, lim, c, out);
        }
        return out;
    }

    private static void host(AnalysisContext context, Limits lim, List<Finding> out) {
        LoadAvg load = context.snapshot().gauges().loadavg();
        double pidMax = sysctl(context, "kernel/pid_max");
        double threadsMax = sysctl(context, "kernel/threads-max");
        if (load == null || load.total() <= 0 || (Double.isNaN(pidMax) && Double.isNaN(threadsMax))) {
            return;
        }
        double limit = Double.isNaN(pidMax) ? threadsMax : Double.isNaN(threadsMax) ? pidMax : Math.min(pidMax, threadsMax);
        String which = limit == pidMax ? "kernel.pid_max" : "kernel.threads-max";
        double percent = 100.0 * load.total() / limit;
        Grade g = new Grade();
        g.meet(Severity.HIGH, Grade.above(percent, lim.v("warn-used-percent")));
        g.meet(Severity.CRITICAL, Grade.above(percent, lim.v("critical-used-percent")));
        if (!g.any()) {
            return;
        }
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(percent >= 100)
                .title("Task capacity nearly exhausted: " + Format.count(load.total()) + " tasks of " + which + " "
                        + Format.count(limit))
                .impact(Format.percent(percent) + " of " + which + " in use; fork() and clone() fail with EAGAIN at 100%")
                .fact("tasks (threads) in existence " + Format.count(load.total()), FindingBuilder.once("/proc/loadavg"))
                .crossed(Format.percent(percent) + " of " + which, lim,
                        g.severity() == Severity.CRITICAL ? "critical-used-percent" : "warn-used-percent")
                .command("ps -eLo pid,comm --no-headers | awk '{print $2}' | sort | uniq -c | sort -rn | head")
                .longTerm("Find the process multiplying threads or processes and fix the leak; raise kernel.pid_max"
                        + " (up to 4194304 on 64-bit) and kernel.threads-max only for a legitimate load.");
        if (!Double.isNaN(pidMax)) {
            f.fact("kernel.pid_max " + Format.count(pidMax), FindingBuilder.once("/proc/sys/kernel/pid_max"));
        }
        if (!Double.isNaN(threadsMax)) {
            f.fact("kernel.threads-max " + Format.count(threadsMax), FindingBuilder.once("/proc/sys/kernel/threads-max"));
        }
        if (limit == pidMax && pidMax < 4_194_304) {
            f.runbook("pid-max", "raise kernel.pid_max so new tasks get pids while the leak is found",
                    "value", FindingBuilder.whole(Math.max(32_768, Math.min(4_194_304, pidMax * 2))));
        }
        out.add(f.build());
    }

    private static void cgroup(AnalysisContext context, Limits lim, CgroupPids c, List<Finding> out) {
        double window = context.metrics().windowSeconds();
        long refusedInWindow = c.rejected() >= 0 && c.rejectedLater() >= c.rejected() ? c.rejectedLater() - c.rejected() : -1;
        boolean refusing = refusedInWindow > 0;
        double percent = c.max() > 0 ? 100.0 * c.current() / c.max() : Double.NaN;
        List<KernelLog.Hit> lines = KernelLog.recent(context, REJECTED, "fork rejected by pids controller");
        boolean logged = lines.stream().anyMatch(h -> h.match().group(1).equals(c.path())
                || h.match().group(1).endsWith(c.path()));
        Grade g = new Grade();
        if (c.max() > 0) {
            g.meet(Severity.HIGH, Grade.above(percent, lim.v("cgroup-warn-used-percent")));
        }
        g.meetIf(refusing || (logged && c.rejected() > 0), Severity.CRITICAL, 1 + Math.max(0, refusedInWindow));
        g.meetIf(c.rejected() > 0 && !refusing && !logged, Severity.MEDIUM, 1);
        if (!g.any()) {
            return;
        }
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(refusing || logged || c.current() >= c.max())
                .culprit(c.path())
                .title("Task limit of cgroup " + c.path() + (refusing || logged ? " refusing forks" : " nearly reached")
                        + ": " + Format.count(c.current()) + " of pids.max " + (c.max() < 0 ? "max" : Format.count(c.max())))
                .impact((refusing ? Format.count(refusedInWindow) + " forks refused in the window, " : "")
                        + (c.rejected() > 0 ? Format.count(c.rejected()) + " refused since the cgroup was created; " : "")
                        + "fork() and clone() in it fail with EAGAIN at the limit")
                .fact("pids.current " + Format.count(c.current()) + ", pids.max " + (c.max() < 0 ? "max" : Format.count(c.max())),
                        FindingBuilder.once(c.path() + "/pids.current, pids.max"))
                .command("find /sys/fs/cgroup -name pids.events -exec grep -H '^max [1-9]' {} +")
                .command("find /sys/fs/cgroup -name pids.current -exec grep -H . {} + | sort -t: -k2 -rn | head")
                .longTerm("Stop the task leak in the cgroup, or raise its limit (systemd: systemctl set-property UNIT"
                        + " TasksMax=N; v1: echo N > pids.max) when the load is legitimate.");
        if (c.rejected() >= 0) {
            f.fact("pids.events max " + Format.count(c.rejected()) + (refusedInWindow >= 0
                    ? " then " + Format.count(c.rejectedLater()) : ""), f.window(c.path() + "/pids.events"));
        }
        if (Grade.known(percent)) {
            f.crossed(Format.percent(percent) + " of pids.max", lim, "cgroup-warn-used-percent");
        }
        for (KernelLog.Hit h : lines) {
            f.note("kernel log" + (h.timestamped() ? " (" + Format.duration(h.ageSeconds()) + " ago)" : "") + ": " + h.text());
            break;
        }
        if (!Grade.known(window)) {
            f.note("one sample only: whether forks are being refused right now could not be measured");
        }
        out.add(f.build());
    }

    static double sysctl(AnalysisContext context, String key) {
        String v = context.snapshot().gauges().sysctls().get(key);
        if (v == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v.strip().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
