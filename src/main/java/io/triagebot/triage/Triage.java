package io.triagebot.triage;

import io.triagebot.probe.HostName;

/** Triages one host: what the Slack adapter and the verification of actions need from the core. */
@FunctionalInterface
public interface Triage {

    TriageOutcome triage(HostName host);
}
