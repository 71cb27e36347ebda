package io.triagebot.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeltasTest {

    @Test
    void ordinaryIncrease() {
        assertEquals(300, Deltas.delta(1000, 1300));
        assertEquals(150, Deltas.rate(1000, 1300, 2.0));
    }

    @Test
    void thirtyTwoBitCounterWraps() {
        // softnet_stat and 32-bit /proc/net/dev counters wrap at 2^32.
        assertEquals(150, Deltas.delta(4294967196L, 50));
    }

    @Test
    void resetIsUnknownNotHugeOrNegative() {
        assertTrue(Double.isNaN(Deltas.delta(1_000_000, 5)), "a 32-bit-sized counter that dropped far was reset");
        assertTrue(Double.isNaN(Deltas.delta(9_000_000_000L, 10)), "a 64-bit counter never wraps in practice");
    }

    @Test
    void noWindowNoRate() {
        assertTrue(Double.isNaN(Deltas.rate(1, 2, 0)));
        assertTrue(Double.isNaN(Deltas.rate(1, 2, Double.NaN)));
    }

    @Test
    void percentOfNothingIsUnknown() {
        assertTrue(Double.isNaN(Deltas.percent(0, 0)));
        assertEquals(25.0, Deltas.percent(1, 4));
    }
}
