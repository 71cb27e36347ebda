package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.snapshot.ProcessStat;
import io.triagebot.snapshot.SoftwareResources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * File descriptors (USE software resources): the host's file handles (fs/file-nr against fs/file-max) and,
 * for the processes holding the most descriptors, their count against their own soft limit.
 */
public final class FdExhaustionDetector implements Detector {

    public static final String PATTERN = "fd-exhaustion";
    private static final Pattern FILE_MAX = Pattern.compile("VFS: file-max limit \\d+ reached");
    /** Only the biggest holders are graded: a bounded sample, and the ones that matter. */
    static final int TOP_HOLDERS = 10;

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        List<Finding> out = new ArrayList<>();
        Limits lim = new Limits(context, PATTERN);
        host(context, lim, out);
        processes(context, lim, out);
        return out;
    }

    private static void host(AnalysisContext context, Limits lim, List<Finding> out) {
        String nr = context.snapshot().gauges().sysctls().get("fs/file-nr");
        double max = PidExhaustionDetector.sysctl(context, "fs/file-max");
        if (nr == null || Double.isNaN(max) || max <= 0) {
            return;
        }
        String[] f = nr.strip().split("\\s+");
        double allocated;
        try {
            allocated = Double.parseDouble(f[0]);
        } catch (NumberFormatException e) {
            return;
        }
        double percent = 100.0 * allocated / max;
        List<KernelLog.Hit> hits = KernelLog.recent(context, FILE_MAX, "file-max limit");
        Grade g = new Grade();
        g.meet(Severity.HIGH, Grade.above(percent, lim.v("warn-used-percent")));
        g.meet(Severity.CRITICAL, Grade.above(percent, lim.v("critical-used-percent")));
        g.meetIf(!hits.isEmpty(), Severity.CRITICAL, 1);
        if (!g.any()) {
            return;
        }
        FindingBuilder b = new FindingBuilder(PATTERN, context).grade(g).confirmed(!hits.isEmpty() || percent >= 100)
                .title("File handles nearly exhausted: " + Format.count(allocated) + " of fs.file-max " + Format.count(max))
                .impact(Format.percent(percent) + " of fs.file-max allocated; open() and socket() fail with ENFILE at 100%")
                .fact("file handles allocated " + Format.count(allocated) + ", fs.file-max " + Format.count(max),
                        FindingBuilder.once("/proc/sys/fs/file-nr, /proc/sys/fs/file-max"))
                .crossed(Format.percent(percent) + " of fs.file-max", lim,
                        g.severity() == Severity.CRITICAL && percent >= lim.v("critical-used-percent")
                                ? "critical-used-percent" : "warn-used-percent")
                .command("for p in /proc/[0-9]*; do echo \"$(ls $p/fd 2>/dev/null | wc -l) $p $(cat $p/comm 2>/dev/null)\"; done | sort -rn | head")
                .longTerm("Find the process leaking descriptors and fix it; raise fs.file-max only for a legitimate load.");
        hits.stream().reduce((a, c) -> c).ifPresent(h -> b.note("kernel log: " + h.text()));
        b.runbook("file-max", "raise fs.file-max so open() and socket() succeed while the holder is found",
                "value", FindingBuilder.whole(Math.max(max * 2, allocated * 2)));
        out.add(b.build());
    }

    private static void processes(AnalysisContext context, Limits lim, List<Finding> out) {
        SoftwareResources sw = context.snapshot().gauges().software();
        Map<Integer, String> names = new HashMap<>();
        List<ProcessStat> procs = context.snapshot().first().processes();
        if (procs != null) {
            procs.forEach(p -> names.put(p.pid(), p.comm()));
        }
        List<Map.Entry<Integer, Integer>> top = sw.openFds().entrySet().stream()
                .sorted(Map.Entry.<Integer, Integer>comparingByValue(Comparator.reverseOrder())).limit(TOP_HOLDERS).toList();
        for (Map.Entry<Integer, Integer> e : top) {
            Long limit = sw.fdSoftLimits().get(e.getKey());
            if (limit == null || limit <= 0) {
                continue;
            }
            double percent = 100.0 * e.getValue() / limit;
            Grade g = new Grade();
            g.meet(Severity.HIGH, Grade.above(percent, lim.v("process-warn-used-percent")));
            g.meet(Severity.CRITICAL, Grade.above(percent, lim.v("process-critical-used-percent")));
            if (!g.any()) {
                continue;
            }
            String who = names.getOrDefault(e.getKey(), "?") + " (pid " + e.getKey() + ")";
            FindingBuilder b = new FindingBuilder(PATTERN, context).grade(g).confirmed(e.getValue() >= limit)
                    .culprit(who)
                    .title("Process " + who + " near its open-file limit: " + Format.count(e.getValue()) + " of "
                            + Format.count(limit))
                    .impact(Format.percent(percent) + " of its soft RLIMIT_NOFILE; open(), accept() and socket() fail"
                            + " with EMFILE at 100%")
                    .fact("open descriptors " + Format.count(e.getValue()), FindingBuilder.once("/proc/" + e.getKey() + "/fd"))
                    .fact("soft limit " + Format.count(limit), FindingBuilder.once("/proc/" + e.getKey() + "/limits"))
                    .crossed(Format.percent(percent) + " of the limit", lim,
                            percent >= lim.v("process-critical-used-percent") ? "process-critical-used-percent"
                                    : "process-warn-used-percent")
                    .command("ls -l /proc/" + e.getKey() + "/fd | awk '{print $NF}' | sed 's/:.*//' | sort | uniq -c | sort -rn | head")
                    .longTerm("Fix the descriptor leak, or raise the service's limit (systemd LimitNOFILE=, ulimit -n)"
                            + " and restart it when the load is legitimate.");
            if (sw.openFdsTruncated()) {
                b.note("the descriptor listing reached its line cap: counts are lower bounds");
            }
            out.add(b.build());
        }
    }
}
