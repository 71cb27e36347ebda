package io.triagebot.incident;

/**
 * A Slack message to deliver for an incident, stored with the event it belongs to before anything is
 * sent. The body is opaque JSON to the store: the Slack adapter writes and reads it.
 *
 * @param key names a message that later {@link OutboxKind#UPDATE} messages rewrite in place (an action's
 *     card); null for messages nobody rewrites
 */
public record OutgoingMessage(OutboxKind kind, String body, String key) {

    public OutgoingMessage {
        if (kind == OutboxKind.UPDATE && key == null) {
            throw new IllegalArgumentException("an UPDATE names the message it rewrites");
        }
        if (key != null && (key.isEmpty() || key.length() > 64)) {
            throw new IllegalArgumentException("message keys are 1 to 64 characters: " + key);
        }
    }

    public OutgoingMessage(OutboxKind kind, String body) {
        this(kind, body, null);
    }
}
