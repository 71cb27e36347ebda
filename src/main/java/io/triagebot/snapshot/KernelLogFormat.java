package io.triagebot.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dmesg ("[ 1234.567890] text"), dmesg -r ("&lt;4&gt;[ 1234.567890] text": the prefix is facility * 8 +
 * level) and journalctl -o short-monotonic ("[ 1234.567890] host kernel: text"). Lines without a
 * timestamp keep NaN: their age is unknown, never guessed; lines without a prefix keep level -1.
 */
final class KernelLogFormat {

    private static final Pattern LEVEL = Pattern.compile("<(\\d{1,4})>(.*)");
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
            Matcher l = LEVEL.matcher(line);
            if (l.matches()) {
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
