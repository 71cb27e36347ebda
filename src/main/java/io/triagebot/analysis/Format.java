package io.triagebot.analysis;

import java.util.Locale;

/**
 * Numbers as on-call people read them: "4,200 pages/s", "23%", "1.5 GiB", "12.3 ms". NaN prints as "n/a"
 * so a missing value is never mistaken for zero.
 */
public final class Format {

    private Format() {
    }

    /** A count or rate with thousands separators: 4200.4 gives "4,200"; below 10 keeps one decimal. */
    public static String count(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        if (Math.abs(v) < 10 && v != Math.rint(v)) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%,d", Math.round(v));
    }

    public static String percent(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        if (v != 0 && Math.abs(v) < 10) {
            return String.format(Locale.ROOT, "%.1f%%", v);
        }
        return String.format(Locale.ROOT, "%d%%", Math.round(v));
    }

    public static String decimal(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    public static String millis(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v < 10 ? String.format(Locale.ROOT, "%.2f ms", v) : String.format(Locale.ROOT, "%,d ms", Math.round(v));
    }

    /** Binary units: 1536 bytes gives "1.5 KiB". */
    public static String bytes(double v) {
        if (Double.isNaN(v) || v < 0) {
            return "n/a";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%d B", Math.round(v))
                : String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    public static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "unknown";
        }
        long s = Math.round(seconds);
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        if (s < 172800) {
            return (s / 3600) + " h";
        }
        return (s / 86400) + " d";
    }

    public static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
