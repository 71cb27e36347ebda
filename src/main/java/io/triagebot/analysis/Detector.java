package io.triagebot.analysis;

import java.util.List;

/**
 * Recognises one named pattern. Detectors are small, stateless and independent: each reads the
 * metrics, compares them with its thresholds, and returns zero or more findings. A detector never
 * throws for missing data; it returns nothing (the report lists the missing probes).
 */
public interface Detector {

    /** The pattern id this detector reports, as it appears in findings. */
    String pattern();

    List<Finding> detect(AnalysisContext context);
}
