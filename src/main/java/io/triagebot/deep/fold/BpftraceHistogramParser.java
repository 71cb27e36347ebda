package io.triagebot.deep.fold;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a bpftrace histogram as printed at exit:
 * <pre>
 * &#64;usecs:
 * [0]                  117 |&#64;&#64;&#64;&#64;&#64;&#64;&#64;          |
 * [2, 4)               299 |&#64;&#64;&#64;&#64;&#64;&#64;&#64;&#64;&#64;&#64;&#64;&#64;|
 * [1K, 2K)             388 |...|
 * </pre>
 * Suffixes K, M, G, T are powers of 1024, as bpftrace's hist() prints them. A bucket "[v]" holds the single
 * value v; "(..., v)" holds everything below v. The histogram ends at the first line of another form.
 */
public final class BpftraceHistogramParser {

    private static final Pattern RANGE = Pattern.compile("^\\[(-?\\d+[KMGTP]?), (-?\\d+[KMGTP]?)\\)\\s+(\\d+)(\\s.*)?$");
    private static final Pattern SINGLE = Pattern.compile("^\\[(-?\\d+[KMGTP]?)\\]\\s+(\\d+)(\\s.*)?$");
    private static final Pattern BELOW = Pattern.compile("^\\(\\.\\.\\., (-?\\d+[KMGTP]?)\\)\\s+(\\d+)(\\s.*)?$");
    private static final Pattern ABOVE = Pattern.compile("^\\[(-?\\d+[KMGTP]?), \\.\\.\\.\\)\\s+(\\d+)(\\s.*)?$");
    private static final int MAX_BUCKETS = 200;

    private BpftraceHistogramParser() {
    }

    /** The histogram named {@code map}; empty (no buckets) when the map is absent or has no line. */
    public static Histogram parse(String text, String map, String unit) {
        List<Histogram.Bucket> buckets = new ArrayList<>();
        boolean inside = false;
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (!inside) {
                inside = line.equals("@" + map + ":");
                continue;
            }
            Histogram.Bucket b = bucket(line);
            if (b == null) {
                if (!buckets.isEmpty() || !line.isEmpty()) {
                    break;
                }
                continue;
            }
            if (buckets.size() < MAX_BUCKETS) {
                buckets.add(b);
            }
        }
        return new Histogram(buckets, unit);
    }

    static Histogram.Bucket bucket(String line) {
        try {
            Matcher m = RANGE.matcher(line);
            if (m.matches()) {
                return new Histogram.Bucket(value(m.group(1)), value(m.group(2)), Long.parseLong(m.group(3)),
                        "[" + m.group(1) + ", " + m.group(2) + ")");
            }
            m = SINGLE.matcher(line);
            if (m.matches()) {
                long v = value(m.group(1));
                return new Histogram.Bucket(v, v + 1, Long.parseLong(m.group(2)), "[" + m.group(1) + "]");
            }
            m = BELOW.matcher(line);
            if (m.matches()) {
                return new Histogram.Bucket(Long.MIN_VALUE, value(m.group(1)), Long.parseLong(m.group(2)),
                        "(..., " + m.group(1) + ")");
            }
            m = ABOVE.matcher(line);
            if (m.matches()) {
                return new Histogram.Bucket(value(m.group(1)), Long.MAX_VALUE, Long.parseLong(m.group(2)),
                        "[" + m.group(1) + ", ...)");
            }
        } catch (NumberFormatException e) {
            return null; // a count of 19+ digits: not bpftrace output
        }
        return null;
    }

    /** "4K" -> 4096, "2M" -> 2097152. */
    static long value(String s) {
        char last = s.charAt(s.length() - 1);
        int power = "KMGTP".indexOf(last) + 1;
        long n = Long.parseLong(power == 0 ? s : s.substring(0, s.length() - 1));
        return n << (10 * power);
    }
}
