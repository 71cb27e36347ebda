package io.triagebot.analysis.detectors;

import io.triagebot.analysis.Detector;
import java.util.List;

/** The detectors every triage runs, one per named pattern. */
public final class Detectors {

    private Detectors() {
    }

    public static List<Detector> standard() {
        return List.of();
    }
}
