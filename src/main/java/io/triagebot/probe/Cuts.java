package io.triagebot.probe;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the stream parser left out, per probe, in words for the report's "not measured" section. */
final class Cuts {

    enum Kind {
        LINES, BYTES, TOTAL, BINARY, LONG_LINE, UNTERMINATED, HEAD_OF_TAIL
    }

    private record Tally(long lines, long bytes) {
        Tally plus(long l, long b) {
            return new Tally(lines + l, bytes + b);
        }
    }

    private final Map<String, ParseLimits.Section> bounds = new LinkedHashMap<>();
    private final Map<String, Map<Kind, Tally>> byProbe = new LinkedHashMap<>();
    private long longLines;
    private long noise;

    void add(ParseLimits.Section bound, long lines, long bytes, Kind kind) {
        bounds.putIfAbsent(bound.probe(), bound);
        byProbe.computeIfAbsent(bound.probe(), k -> new EnumMap<>(Kind.class))
                .merge(kind, new Tally(lines, bytes), (a, b) -> a.plus(b.lines, b.bytes));
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
        byProbe.forEach((probe, kinds) -> {
            ParseLimits.Section bound = bounds.get(probe);
            List<String> parts = new ArrayList<>();
            kinds.forEach((kind, t) -> parts.add(switch (kind) {
                case LINES -> lines(t.lines) + " (" + size(t.bytes) + ") past its " + count(bound.maxLines())
                        + "-line bound dropped";
                case BYTES -> lines(t.lines) + " (" + size(t.bytes) + ") past its " + size(bound.maxBytes())
                        + " bound dropped";
                case TOTAL -> lines(t.lines) + " (" + size(t.bytes) + ") dropped: the run's " + size(maxKept)
                        + " total was reached";
                case BINARY -> lines(t.lines) + " of binary data (" + size(t.bytes) + ") dropped";
                case LONG_LINE -> lines(t.lines) + " longer than " + size(ParseLimits.MAX_LINE_BYTES)
                        + " shortened (" + size(t.bytes) + " cut)";
                case UNTERMINATED -> "the output ended in a line without newline (" + size(t.bytes) + "), dropped";
                case HEAD_OF_TAIL -> lines(t.lines) + " (" + size(t.bytes) + ") before the last "
                        + count(bound.maxLines()) + " dropped";
            }));
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
