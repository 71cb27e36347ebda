package io.triagebot.runbook;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what a host prints into the form a parameter takes, where the two differ. The only one needed:
 * systemd shows {@code CPUQuota=} as {@code CPUQuotaPerSecUSec} (CPU time per second: {@code 2s},
 * {@code 500ms}, {@code 1.500000s}, {@code infinity}) but sets it as a percentage.
 */
public enum CaptureConversion {

    /** {@code 1.500000s} to {@code 150%}, {@code 500ms} to {@code 50%}, {@code infinity} to empty (no quota). */
    PER_SECOND_TO_PERCENT("per-second-to-percent");

    private static final Pattern SPAN = Pattern.compile("([0-9]{1,12})(?:\\.([0-9]{1,9}))?(us|ms|s|min|h)");

    private final String yamlName;

    CaptureConversion(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<CaptureConversion> byName(String name) {
        return Arrays.stream(values()).filter(c -> c.yamlName.equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(CaptureConversion::yamlName).toList();
    }

    /** The converted value, or empty when {@code raw} is not what this conversion reads. */
    Optional<String> apply(String raw) {
        String s = raw.strip();
        if (s.equals("infinity")) {
            return Optional.of("");
        }
        if (s.isEmpty() || s.length() > 64) {
            return Optional.empty();
        }
        long nanos = 0;
        for (String part : s.split(" ")) {
            Matcher m = SPAN.matcher(part);
            if (!m.matches()) {
                return Optional.empty();
            }
            long unit = switch (m.group(3)) {
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "min" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            long whole = Long.parseLong(m.group(1));
            if (whole > 1_000_000_000L) {
                return Optional.empty();
            }
            nanos += whole * unit;
            if (m.group(2) != null) {
                String frac = (m.group(2) + "000000000").substring(0, 9);
                long f = Long.parseLong(frac);
                nanos += unit >= 1_000_000_000L ? f * (unit / 1_000_000_000L) : f * unit / 1_000_000_000L;
            }
        }
        // CPU time per second as a share of one CPU: 1 s per s = 100% = 10000 hundredths of a percent.
        if (nanos <= 0 || nanos % 100_000 != 0) {
            return Optional.empty();
        }
        return Optional.of(ParameterType.formatPermyriad(nanos / 100_000));
    }
}
