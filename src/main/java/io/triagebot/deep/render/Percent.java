package io.triagebot.deep.render;

/** Shares as people read them: "41.2%", "0.3%", "<0.1%". */
final class Percent {

    private Percent() {
    }

    static String of(long part, long whole) {
        if (whole <= 0) {
            return "0%";
        }
        double p = 100.0 * part / whole;
        if (p > 0 && p < 0.1) {
            return "<0.1%";
        }
        long tenths = Math.round(p * 10);
        return tenths / 10 + "." + tenths % 10 + "%";
    }
}
