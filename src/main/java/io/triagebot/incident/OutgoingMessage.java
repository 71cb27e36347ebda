package io.triagebot.incident;

/**
 * A Slack message to deliver for an incident, stored with the event it belongs to before anything is
 * sent. The body is opaque JSON to the store: the Slack adapter writes and reads it.
 */
public record OutgoingMessage(OutboxKind kind, String body) {
}
