package io.triagebot.triage;

import io.triagebot.analysis.Report;
import io.triagebot.probe.CollectorRun;
import io.triagebot.probe.TargetException;
import io.triagebot.snapshot.Snapshot;

/** What a triage of one host produced: a report, or the reason the host could not be reached. */
public sealed interface TriageOutcome {

    String host();

    /**
     * A report, however partial.
     *
     * @param run the raw collector stream behind it, for saving as a fixture
     * @param snapshot what the report was made from (verification reads metrics a report does not carry)
     */
    record Reported(String host, Report report, CollectorRun run, Snapshot snapshot) implements TriageOutcome {
    }

    /** The host could not be triaged at all; the message is one line with what to check. */
    record Failed(String host, TargetException.Kind kind, String message) implements TriageOutcome {
    }
}
