package io.triagebot.slack;

import io.triagebot.probe.HostName;
import java.time.Instant;

/** One host to triage for one slash command, with where to answer and who asked. */
public record TriageRequest(String channel, String user, HostName host, Instant requestedAt) {
}
