package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.snapshot.KernelLogLine;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kernel log lines of the current incident: logged within escalation.recent-seconds, or of unknown age. */
final class KernelLog {

    /** A matching line, its age (NaN when the log has no timestamps) and the match. */
    record Hit(String text, double ageSeconds, Matcher match) {

        boolean timestamped() {
            return !Double.isNaN(ageSeconds);
        }
    }

    private KernelLog() {
    }

    /**
     * Matching lines, oldest first, that are recent or of unknown age. Only lines containing one of
     * {@code literals} are tried against the regex: a log holds thousands of lines and few are relevant.
     */
    static List<Hit> recent(AnalysisContext context, Pattern pattern, String... literals) {
        List<Hit> out = new ArrayList<>();
        List<KernelLogLine> log = context.snapshot().gauges().kernelLog();
        if (log == null) {
            return out;
        }
        double horizon = context.thresholds().value("escalation", "recent-seconds");
        double uptime = context.snapshot().uptimeSeconds();
        for (KernelLogLine line : log) {
            if (!containsAny(line.text(), literals)) {
                continue;
            }
            Matcher m = pattern.matcher(line.text());
            if (!m.find()) {
                continue;
            }
            double age = Double.isNaN(line.secondsSinceBoot()) || Double.isNaN(uptime) ? Double.NaN
                    : Math.max(0, uptime - line.secondsSinceBoot());
            if (Double.isNaN(age) || age <= horizon) {
                out.add(new Hit(line.text(), age, m));
            }
        }
        return out;
    }

    private static boolean containsAny(String text, String[] literals) {
        if (literals.length == 0) {
            return true;
        }
        for (String l : literals) {
            if (text.contains(l)) {
                return true;
            }
        }
        return false;
    }

    static boolean available(AnalysisContext context) {
        return !context.snapshot().unavailable().containsKey("kernel-log");
    }
}
