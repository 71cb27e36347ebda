package io.triagebot.snapshot;

/** Lenient number parsing for probe output: junk becomes a sentinel, never an exception. */
final class Numbers {

    static final long MISSING = Long.MIN_VALUE;

    private Numbers() {
    }

    static long parseLong(String s) {
        if (s == null || s.isEmpty() || s.length() > 20) {
            return MISSING;
        }
        long v = 0;
        int i = 0;
        boolean negative = s.charAt(0) == '-';
        if (negative) {
            i = 1;
            if (s.length() == 1) {
                return MISSING;
            }
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return MISSING;
            }
            long next = v * 10 + (c - '0');
            if (next < v) {
                // An unsigned 64-bit counter past Long.MAX_VALUE: clamp; deltas treat it as a reset.
                return Long.MAX_VALUE;
            }
            v = next;
        }
        return negative ? -v : v;
    }

    static long parseHex(String s) {
        if (s == null || s.isEmpty() || s.length() > 16) {
            return MISSING;
        }
        try {
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            return MISSING;
        }
    }

    static double parseDouble(String s) {
        if (s == null || s.isEmpty() || s.length() > 32) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Missing values count as zero where a sum or a struct field needs a number. */
    static long orZero(long v) {
        return v == MISSING ? 0 : v;
    }

    static String[] fields(String line) {
        String t = line.strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }
}
