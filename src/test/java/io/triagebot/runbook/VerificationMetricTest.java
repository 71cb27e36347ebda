package io.triagebot.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Vitals;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.testsupport.SyntheticHost;
import java.util.HashSet;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerificationMetricTest {

    @Test
    void namesAreUniqueAndVitalsReadStraightFromTheReport() {
        Set<String> names = new HashSet<>(VerificationMetric.names());
        assertEquals(VerificationMetric.values().length, names.size());
        Vitals v = new Vitals(4, 1, 1, 1, 10, 20, 5, 0, 65, 35, 3, 1, 1000, 500, 100, 10, 42, 43, 1000, 900, 12, 61, 23, 40,
                -1, 100);
        assertEquals(OptionalDouble.of(43), VerificationMetric.SWAP_OUT_PAGES_PER_SECOND.read(v));
        assertEquals(OptionalDouble.of(23), VerificationMetric.MEMORY_PRESSURE_FULL_PERCENT.read(v));
        assertEquals(OptionalDouble.of(3), VerificationMetric.RUNNABLE.read(v));
        assertEquals(OptionalDouble.empty(), VerificationMetric.IO_PRESSURE_FULL_PERCENT.read(v), "-1 is unknown, not 0");
        assertEquals(OptionalDouble.empty(), VerificationMetric.RETRANSMIT_PERCENT.read(v), "not a vital");
        assertFalse(VerificationMetric.RETRANSMIT_PERCENT.inVitals());
    }

    @Test
    void everyMetricReadsFromMetricsOfARealSnapshot() {
        AnalysisContext ctx = SyntheticHost.maxedOut(4).context();
        Metrics m = ctx.metrics();
        int known = 0;
        for (VerificationMetric metric : VerificationMetric.values()) {
            if (metric.read(m).isPresent()) {
                known++;
            }
        }
        assertTrue(known >= VerificationMetric.values().length - 1, "only " + known + " metrics readable");
        assertTrue(VerificationMetric.SWAP_IN_PAGES_PER_SECOND.read(m).getAsDouble() > 0);
        assertTrue(VerificationMetric.improved(10, 5, VerificationMetric.Direction.DOWN));
        assertFalse(VerificationMetric.improved(10, 10, VerificationMetric.Direction.DOWN));
        assertTrue(VerificationMetric.improved(10, 11, VerificationMetric.Direction.UP));
    }
}
