package io.triagebot.incident;

/** Where an incident stands. */
public enum IncidentStatus {
    OPEN, RESOLVED
}
