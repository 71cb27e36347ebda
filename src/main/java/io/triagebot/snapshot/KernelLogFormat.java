package io.triagebot.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dmesg ("[ 1234.567890] text"), dmesg -x ("kern  :warn  : [ 1234.567890] text", util-linux), dmesg -r ("&lt;4&gt;[ 1234.567890] text": the prefix is facility * 8 +
 * level; BusyBox has it, and util-linux prints it right for the kernel's own lines but not for lines
 * programs write to /dev/kmsg, whose facility it does not shift) and journalctl -o short-monotonic ("[ 1234.567890] host kernel: text"). Lines without a
 * timestamp keep NaN: their age is unknown, never guessed; lines without a prefix keep level -1.
 */
final class KernelLogFormat {

    private static final Pattern LEVEL = Pattern.compile("<(\\d{1,4})>(.*)");
    /** dmesg -x: "kern  :warn  : [ 1234.5] text". */
    private static final Pattern DECODED = Pattern.compile(
            "(kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\\s*:"
                    + "(emerg|alert|crit|err|warn|notice|info|debug)\\s*: (.*)");
    private static final List<String> LEVEL_NAMES = List.of("emerg", "alert", "crit", "err", "warn", "notice", "info",
            "debug");
    private static final Pattern STAMPED = Pattern.compile("\\[\\s*(\\d+\\.\\d+)\\]\\s?(.*)");
    private static final Pattern JOURNAL_PREFIX = Pattern.compile("\\S+ kernel: (.*)");

    private KernelLogFormat() {
    }

    static List<KernelLogLine> parse(List<String> lines) {
        List<KernelLogLine> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("-- ")) {
                continue;
            }
            int level = -1;
            Matcher d = DECODED.matcher(line);
            Matcher l = LEVEL.matcher(line);
            if (d.matches()) {
                level = LEVEL_NAMES.indexOf(d.group(2));
                line = d.group(3);
            } else if (l.matches()) {
                level = Integer.parseInt(l.group(1)) & 7;
                line = l.group(2);
            }
            Matcher m = STAMPED.matcher(line);
            if (m.matches()) {
                String text = m.group(2);
                Matcher j = JOURNAL_PREFIX.matcher(text);
                out.add(new KernelLogLine(Numbers.parseDouble(m.group(1)), j.matches() ? j.group(1) : text, level));
            } else {
                out.add(new KernelLogLine(Double.NaN, line, level));
            }
        }
        return out;
    }
}
