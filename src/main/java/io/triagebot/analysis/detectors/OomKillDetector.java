package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CgroupMetrics;
import io.triagebot.analysis.metrics.MemoryMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.ProcessMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OOM killer at work (PMIE and netdata alert on any kill): kills counted in the window (vmstat
 * oom_kill, a cgroup's memory.events oom_kill), or recent kernel log lines naming the victim and the
 * memory cgroup whose limit was hit. Kills in the window mean it is happening now.
 */
public final class OomKillDetector implements Detector {

    public static final String PATTERN = "oom-kill";

    static final Pattern KILLED = Pattern.compile(
            "(Memory cgroup out of memory|Out of memory): Kill(?:ed)? process (\\d+) \\(([^)]*)\\)(?:.*?anon-rss:(\\d+)kB)?");
    static final Pattern CONSTRAINT = Pattern.compile(
            "oom-kill:constraint=(\\w+),.*?(?:oom_memcg=([^,]*),)?task_memcg=([^,]*),task=([^,]*),pid=(\\d+)");
    static final Pattern ANY_OOM = Pattern.compile(
            "invoked oom-killer|oom-kill:constraint=|Out of memory: Kill|Memory cgroup out of memory");

    @Override
    public String pattern() {
        return PATTERN;
    }

    /** A kill from the log: victim, cgroup, constraint. */
    private record Kill(int pid, String comm, boolean cgroupLimit, String memcg, long anonRssKb, double ageSeconds) {
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        Limits lim = new Limits(context, PATTERN);
        MemoryMetrics mem = m.memory();
        double windowKills = mem == null ? Double.NaN : mem.oomKills();
        CgroupMetrics.Memory group = null;
        double groupKills = 0;
        CgroupMetrics.Memory everKilled = null;
        if (m.cgroups() != null) {
            group = Cgroups.mostSpecific(m.cgroups().memory(), CgroupMetrics.Memory::path,
                    c -> Grade.known(c.oomKills()) ? c.oomKills() : 0);
            groupKills = group == null ? 0 : group.oomKills();
            everKilled = Cgroups.mostSpecific(m.cgroups().memory(), CgroupMetrics.Memory::path,
                    c -> c.oomKillsTotal() > 0 ? c.oomKillsTotal() : 0);
        }
        List<Kill> kills = kills(context);
        List<KernelLog.Hit> anyOom = KernelLog.recent(context, ANY_OOM, "oom-kill", "Out of memory", "Memory cgroup out of memory");
        double inWindow = Math.max(Grade.known(windowKills) ? windowKills : 0, groupKills);
        double current = lim.v("current-seconds");
        long currentKills = kills.stream().filter(k -> k.ageSeconds() <= current).count();
        boolean currentLines = anyOom.stream().anyMatch(h -> h.ageSeconds() <= current);
        boolean timestamped = kills.stream().anyMatch(k -> !Double.isNaN(k.ageSeconds()))
                || anyOom.stream().anyMatch(KernelLog.Hit::timestamped);

        Grade g = new Grade();
        g.meet(Severity.CRITICAL, Grade.above(inWindow, lim.v("critical-kills-in-window")));
        g.meet(Severity.HIGH, Grade.above(Math.max(currentKills, currentLines ? 1 : 0), lim.v("warn-recent-kills")));
        // Older kills within the escalation horizon, or lines without a timestamp: context for this incident.
        g.meet(Severity.MEDIUM, Grade.above(Math.max(kills.size(), anyOom.isEmpty() ? 0 : 1), lim.v("warn-recent-kills")));
        g.meetIf(everKilled != null, Severity.LOW, 1);
        if (!g.any()) {
            return List.of();
        }
        boolean confirmed = inWindow > 0 || timestamped;
        Kill last = kills.isEmpty() ? null : kills.get(kills.size() - 1);
        String memcgPath = last != null && last.memcg() != null ? last.memcg()
                : group != null && groupKills > 0 ? group.path() : everKilled == null ? null : everKilled.path();
        CgroupMetrics.Memory cg = find(m, memcgPath);

        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        StringBuilder title = new StringBuilder("OOM killer");
        if (last != null) {
            title.append(" killed ").append(last.comm()).append(" (pid ").append(last.pid()).append(')');
            if (inWindow == 0 && last.ageSeconds() > current) {
                title.append(' ').append(Format.duration(last.ageSeconds())).append(" ago");
            }
        } else {
            title.append(inWindow > 0 ? " is killing processes" : " killed processes");
        }
        if (memcgPath != null && !"/".equals(memcgPath)) {
            title.append(" in memory cgroup ").append(memcgPath);
            if (cg != null && cg.limitBytes() > 0) {
                title.append(" (limit ").append(Format.bytes(cg.limitBytes())).append(')');
            }
        } else if (last != null && !last.cgroupLimit()) {
            title.append(": the whole host ran out of memory");
        }
        f.title(title.toString());
        StringBuilder impact = new StringBuilder();
        if (inWindow > 0) {
            impact.append(Format.count(inWindow)).append(" kill(s) within the ").append(Format.decimal(m.windowSeconds())).append(" s window");
        }
        if (!kills.isEmpty()) {
            impact.append(impact.length() == 0 ? "" : "; ").append(kills.size()).append(" kill(s) in the kernel log within ")
                    .append(Format.duration(context.thresholds().value("escalation", "recent-seconds")));
            if (currentKills > 0) {
                impact.append(" (").append(currentKills).append(" within ").append(Format.duration(current)).append(')');
            }
            if (last.anonRssKb() > 0) {
                impact.append(", last victim held ").append(Format.bytes(last.anonRssKb() * 1024.0)).append(" anonymous memory");
            }
        }
        if (impact.length() == 0 && everKilled != null) {
            impact.append(everKilled.oomKillsTotal()).append(" kill(s) in ").append(everKilled.path()).append(" since it was created");
        }
        if (impact.length() == 0) {
            impact.append("OOM messages in the kernel log");
        }
        f.impact(impact.toString());
        f.culprit(last != null ? last.comm() + " (pid " + last.pid() + ")" + (memcgPath == null ? "" : " in " + memcgPath) : memcgPath);

        if (Grade.known(windowKills)) {
            f.fact("oom_kill +" + Format.count(windowKills) + " in the window", f.window("/proc/vmstat"));
        } else {
            f.note("vmstat oom_kill not available (kernel older than 4.13 or vmstat unread)");
        }
        if (group != null && groupKills > 0) {
            f.fact("cgroup " + group.path() + " oom_kill +" + Format.count(groupKills) + " (" + group.oomKillsTotal() + " since created)",
                    f.window(group.version() == 2 ? "cgroup memory.events" : "cgroup memory.oom_control"));
        } else if (everKilled != null) {
            f.fact("cgroup " + everKilled.path() + " has " + everKilled.oomKillsTotal() + " OOM kill(s) since it was created",
                    FindingBuilder.once(everKilled.version() == 2 ? "cgroup memory.events" : "cgroup memory.oom_control"));
        }
        if (cg != null) {
            f.fact("cgroup " + cg.path() + ": " + Format.bytes(cg.usageBytes()) + " used"
                    + (cg.limitBytes() > 0 ? " of " + Format.bytes(cg.limitBytes()) : ", no limit") + ", swap " + Format.bytes(cg.swapBytes()),
                    f.window("cgroup memory files"));
        }
        int shown = 0;
        for (int i = anyOom.size() - 1; i >= 0 && shown < 4; i--, shown++) {
            KernelLog.Hit h = anyOom.get(i);
            f.fact("kernel log" + (h.timestamped() ? " (" + Format.duration(h.ageSeconds()) + " ago)" : " (no timestamp)") + ": "
                    + Format.clip(h.text(), 200), FindingBuilder.once("dmesg"));
        }
        if (!KernelLog.available(context)) {
            f.note("kernel log unreadable (dmesg_restrict or no journal access): victims cannot be named");
        }
        if (inWindow > 0) {
            f.crossed(Format.count(inWindow) + " kill(s) in the window", lim, "critical-kills-in-window");
        } else if (currentKills > 0 || currentLines) {
            f.crossed(Math.max(1, currentKills) + " kill(s) in the kernel log within " + Format.duration(current), lim,
                    "warn-recent-kills");
            f.crossed("logged within " + Format.duration(current), lim, "current-seconds");
        } else if (!kills.isEmpty() || !anyOom.isEmpty()) {
            f.note("the kills are older than " + lim.cite("current-seconds") + ": context for this incident rather than its cause");
        }
        if (!confirmed) {
            f.note("not confirmed: " + (everKilled != null && kills.isEmpty() && anyOom.isEmpty()
                    ? "the cgroup's kill count is since its creation; when is unknown"
                    : "the log lines carry no timestamp, so their age is unknown"));
        }

        f.command("dmesg -T | grep -iE 'killed process|out of memory|oom-kill' | tail -20");
        f.command("journalctl -k --since -1h | grep -iE 'oom|killed process'");
        String layout = context.snapshot().gauges().cgroupLayout();
        if (cg != null) {
            f.command(cg.version() == 2 ? "cat " + Cgroups.file(layout, cg.path(), 2, "memory", "memory.events") + " "
                    + Cgroups.file(layout, cg.path(), 2, "memory", "memory.max")
                    : "cat " + Cgroups.file(layout, cg.path(), 1, "memory", "memory.oom_control") + " "
                            + Cgroups.file(layout, cg.path(), 1, "memory", "memory.limit_in_bytes"));
        }
        String unit = Cgroups.unit(memcgPath);
        if (unit != null) {
            f.command("systemctl status " + Cgroups.word(unit));
        }
        f.command("ps -eo pid,comm,rss,oom_score_adj --sort=-rss | head");
        if (unit != null && cg != null && cg.limitBytes() > 0) {
            long high = (long) (cg.limitBytes() * lim.v("suggested-high-percent-of-max") / 100);
            f.runbook("unit-memory-high", "throttle " + unit + " at " + Format.bytes(high) + ", below its " + Format.bytes(cg.limitBytes())
                    + " limit, so it reclaims and slows down instead of being killed; rollback MemoryHigh=infinity",
                    "unit", unit, "cgroup", memcgPath, "limit", SwapDeathSpiralDetector.mib(high));
        }
        ProcessMetrics procs = m.processes();
        boolean global = last != null && !last.cgroupLimit() || memcgPath == null || "/".equals(memcgPath);
        if (global && procs != null && !procs.topMemory().isEmpty()) {
            ProcessMetrics.Proc big = procs.topMemory().get(0);
            f.runbook("oom-score-adj", "if " + big.comm() + " (pid " + big.pid() + ", " + Format.bytes(big.rssKb() * 1024.0)
                    + " resident) is the runaway, make it the OOM killer's first choice so smaller services survive; rollback 0",
                    "pid", Integer.toString(big.pid()), "value", FindingBuilder.whole(lim.v("suggested-oom-score-adj")));
        }
        f.longTerm("Raise the limit to the real working set or fix the growth (leak, unbounded cache or queue); protect critical "
                + "services with oom_score_adj or OOMScoreAdjust= and let systemd-oomd act earlier on pressure.");
        return List.of(f.build());
    }

    /** Kill lines within the recent horizon, oldest first, with the cgroup from the matching constraint line. */
    private static List<Kill> kills(AnalysisContext context) {
        List<Kill> out = new ArrayList<>();
        List<KernelLog.Hit> constraints = KernelLog.recent(context, CONSTRAINT, "oom-kill:constraint=");
        for (KernelLog.Hit h : KernelLog.recent(context, KILLED, "Kill")) {
            Matcher k = h.match();
            int pid = (int) SwapDeathSpiralDetector.parse(k.group(2));
            boolean memcg = k.group(1).startsWith("Memory cgroup");
            String path = null;
            for (KernelLog.Hit c : constraints) {
                if (c.match().group(5).equals(k.group(2))) {
                    path = c.match().group(2) != null && !c.match().group(2).isEmpty() ? c.match().group(2) : c.match().group(3);
                    memcg = memcg || "CONSTRAINT_MEMCG".equals(c.match().group(1));
                }
            }
            long anon = SwapDeathSpiralDetector.parse(k.group(4));
            out.add(new Kill(pid, k.group(3), memcg, memcg ? path : null, anon, h.ageSeconds()));
        }
        return out;
    }

    private static CgroupMetrics.Memory find(Metrics m, String path) {
        if (path == null || m.cgroups() == null) {
            return null;
        }
        return m.cgroups().memory().stream().filter(c -> c.path().equals(path)).findFirst().orElse(null);
    }
}
