package io.triagebot.incident;

/** What happened, in an incident's timeline. */
public enum EventType {
    TRIAGE_REQUESTED,
    SNAPSHOT_COLLECTED,
    FINDINGS,
    ESCALATION,
    RECALLED,
    TRIAGE_FAILED,
    TRIAGE_INTERRUPTED,
    ACTION_PROPOSED,
    ACTION_APPROVED,
    ACTION_REFUSED,
    ACTION_REJECTED,
    ACTION_EXPIRED,
    ACTION_EXECUTED,
    ACTION_VERIFIED,
    ACTION_NOT_IMPROVED,
    ACTION_ROLLED_BACK,
    ACTION_INTERRUPTED,
    NOTE,
    RESOLVED,
    TIMELINE_EXPORTED,
    /** Slack refused one of the incident's messages for good; the thread was told, later messages went on. */
    DELIVERY_FAILED,
    /** A deep probe (profile, histogram) ran from a finding's button: what it found, what was uploaded. */
    DEEP_DIVE
}
