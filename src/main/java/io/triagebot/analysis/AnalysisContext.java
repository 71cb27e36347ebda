package io.triagebot.analysis;

import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.snapshot.Snapshot;

/** What a detector gets: the typed snapshot, the metrics computed once from it, and the thresholds. */
public record AnalysisContext(Snapshot snapshot, Metrics metrics, Thresholds thresholds) {
}
