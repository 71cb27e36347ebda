package io.triagebot.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the stream parser left out, per probe, in words for the report's "not measured" section. */
final class Cuts {

    enum Kind {
        LINES, BYTES, TOTAL, BINARY, LONG_LINE, UNTERMINATED, HEAD_OF_TAIL
    }

    /** Counts per kind, updated in place: a flood calls {@link #add} per line and must not allocate. */
    private static final class Tally {
        final ParseLimits.Section bound;
        final long[] lines = new long[Kind.values().length];
        final long[] bytes = new long[Kind.values().length];

        Tally(ParseLimits.Section bound) {
            this.bound = bound;
        }
    }

    private final Map<String, Tally> byProbe = new LinkedHashMap<>();
    private Tally last;
    private long longLines;
    private long noise;

    void add(ParseLimits.Section bound, long lines, long bytes, Kind kind) {
        Tally t = last != null && last.bound.probe().equals(bound.probe()) ? last : byProbe.get(bound.probe());
        if (t == null) {
            t = new Tally(bound);
            byProbe.put(bound.probe(), t);
        }
        last = t;
        t.lines[kind.ordinal()] += lines;
        t.bytes[kind.ordinal()] += bytes;
        if (kind == Kind.LONG_LINE) {
            longLines += lines;
        }
    }

    void noise(long bytes) {
        noise = bytes;
    }

    long longLines() {
        return longLines;
    }

    List<String> describe(long maxKept) {
        List<String> out = new ArrayList<>();
        byProbe.forEach((probe, t) -> {
            ParseLimits.Section bound = t.bound;
            List<String> parts = new ArrayList<>();
            for (Kind kind : Kind.values()) {
                long l = t.lines[kind.ordinal()];
                long b = t.bytes[kind.ordinal()];
                if (l == 0 && b == 0) {
                    continue;
                }
                parts.add(switch (kind) {
                    case LINES -> lines(l) + " (" + size(b) + ") past its " + count(bound.maxLines())
                            + "-line bound dropped";
                    case BYTES -> lines(l) + " (" + size(b) + ") past its " + size(bound.maxBytes()) + " bound dropped";
                    case TOTAL -> lines(l) + " (" + size(b) + ") dropped: the run's " + size(maxKept)
                            + " total was reached";
                    case BINARY -> lines(l) + " of binary data (" + size(b) + ") dropped";
                    case LONG_LINE -> lines(l) + " longer than " + size(ParseLimits.MAX_LINE_BYTES)
                            + " shortened (" + size(b) + " cut)";
                    case UNTERMINATED -> "the output ended in a line without newline (" + size(b) + "), dropped";
                    case HEAD_OF_TAIL -> lines(l) + " (" + size(b) + ") before the last " + count(bound.maxLines())
                            + " dropped";
                });
            }
            out.add(probe + ": output cut: " + String.join("; ", parts));
        });
        if (noise > 0) {
            out.add(size(noise) + " of output outside any probe's section dropped");
        }
        return List.copyOf(out);
    }

    private static String lines(long n) {
        return count(n) + (n == 1 ? " line" : " lines");
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
