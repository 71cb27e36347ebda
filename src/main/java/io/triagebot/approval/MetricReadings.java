package io.triagebot.approval;

import io.triagebot.analysis.Report;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.runbook.VerificationMetric;
import io.triagebot.snapshot.Snapshot;
import java.util.OptionalDouble;

/** Reads a runbook's expected metric from a triage: the report's vitals first, else the snapshot's metrics. */
final class MetricReadings {

    private MetricReadings() {
    }

    static OptionalDouble read(VerificationMetric metric, Report report, Snapshot snapshot) {
        OptionalDouble fromVitals = report == null ? OptionalDouble.empty() : metric.read(report.vitals());
        if (fromVitals.isPresent() || snapshot == null) {
            return fromVitals;
        }
        return metric.read(Metrics.of(snapshot));
    }
}
