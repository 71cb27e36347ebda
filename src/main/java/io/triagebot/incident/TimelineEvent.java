package io.triagebot.incident;

import java.time.Instant;

/**
 * One entry of an incident's timeline.
 *
 * @param seq position in the incident, from 1
 * @param actor a Slack user id, or "triagebot" for the bot itself
 * @param summary one human line, as the postmortem shows it
 * @param payload structured detail (JSON), or null
 */
public record TimelineEvent(long id, IncidentId incident, int seq, EventType type, String actor, Instant occurredAt,
        String summary, String payload) {

    public static final String BOT = "triagebot";
}
