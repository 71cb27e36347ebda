package io.triagebot.probe;

import java.time.Duration;

/** Bounds on one collector run: the overall deadline (connect included) and the output cap. */
public record RunLimits(Duration deadline, int maxOutputBytes) {

    public static final int DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

    public RunLimits {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        if (maxOutputBytes <= 0) {
            throw new IllegalArgumentException("maxOutputBytes must be positive: " + maxOutputBytes);
        }
    }
}
