package io.triagebot.slack;

import io.triagebot.incident.Incident;
import io.triagebot.ops.ErrorRef;
import io.triagebot.probe.TargetException;
import io.triagebot.triage.TriageOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a channel learns when a host could not be triaged. Told in detail (refused, timed out, not SSH,
 * host key changed...), the answers map a network for whoever asks; so by default every failure reads the
 * same, with a reference to the log line that has the reason. Operators who trust everyone who can type
 * {@code /triage} turn the details on ({@code triage.detailedFailures}).
 */
record FailureDisclosure(boolean detailed) {

    private static final Logger LOG = LoggerFactory.getLogger(FailureDisclosure.class);

    /** The failure as the incident records it and its thread shows it. */
    TriageOutcome.Failed shown(Incident incident, TriageOutcome.Failed failed) {
        if (detailed) {
            return failed;
        }
        String ref = ErrorRef.next();
        LOG.warn("[ref {}] triage of {} for {} failed: {}: {}", ref, incident.host(), incident.id(), failed.kind(),
                failed.message());
        return new TriageOutcome.Failed(failed.host(), TargetException.Kind.TRANSPORT, incident.host()
                + " could not be reached or triaged (ref " + ref + "; the bot's operators find the reason in its log)");
    }
}
