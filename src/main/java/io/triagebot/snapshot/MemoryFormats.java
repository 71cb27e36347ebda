package io.triagebot.snapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsers for key-value files (meminfo, vmstat, numastat), pressure files and THP settings. */
final class MemoryFormats {

    private MemoryFormats() {
    }

    /**
     * "Key: 123 kB", "Key 123" or "key=123"-free lines into a map; units are dropped (meminfo is in kB,
     * HugePages_* are counts). Non-numeric values are skipped.
     */
    static Map<String, Long> keyValues(List<String> lines) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = Numbers.fields(line.replace(':', ' '));
            if (f.length >= 2) {
                long v = Numbers.parseLong(f[1]);
                if (v != Numbers.MISSING) {
                    out.put(f[0], v);
                }
            }
        }
        return out;
    }

    static Psi psi(List<String> lines) {
        Psi.Line some = null;
        Psi.Line full = null;
        for (String line : lines) {
            String[] f = Numbers.fields(line);
            if (f.length < 5) {
                continue;
            }
            Psi.Line parsed = psiLine(f);
            if (parsed == null) {
                continue;
            }
            if (f[0].equals("some")) {
                some = parsed;
            } else if (f[0].equals("full")) {
                full = parsed;
            }
        }
        return some == null ? null : new Psi(some, full);
    }

    private static Psi.Line psiLine(String[] f) {
        double a10 = Double.NaN;
        double a60 = Double.NaN;
        double a300 = Double.NaN;
        long total = Numbers.MISSING;
        for (int i = 1; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = f[i].substring(0, eq);
            String v = f[i].substring(eq + 1);
            switch (k) {
                case "avg10" -> a10 = Numbers.parseDouble(v);
                case "avg60" -> a60 = Numbers.parseDouble(v);
                case "avg300" -> a300 = Numbers.parseDouble(v);
                case "total" -> total = Numbers.parseLong(v);
                default -> {
                }
            }
        }
        return total == Numbers.MISSING ? null : new Psi.Line(a10, a60, a300, total);
    }

    /** "always [madvise] never" gives "madvise". */
    static String bracketed(List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        String line = lines.get(0);
        int open = line.indexOf('[');
        int close = line.indexOf(']', open + 1);
        if (open >= 0 && close > open) {
            return line.substring(open + 1, close);
        }
        String t = line.strip();
        return t.isEmpty() || t.contains(" ") ? null : t;
    }
}
