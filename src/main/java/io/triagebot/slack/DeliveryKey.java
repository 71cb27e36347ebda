package io.triagebot.slack;

import java.time.Instant;

/**
 * A message's identity in Slack: {@code value} travels in the message's metadata, so a post whose outcome
 * is unknown can be found in the channel (from {@code queuedAt} on) before it is posted again.
 */
public record DeliveryKey(String value, Instant queuedAt) {

    /** The metadata event type the bot's messages carry; Slack returns it with include_all_metadata. */
    public static final String EVENT_TYPE = "triagebot_message";
    /** The field of the metadata payload holding the key. */
    public static final String PAYLOAD_FIELD = "delivery_key";

    public DeliveryKey {
        if (value == null || value.isBlank() || value.length() > 64) {
            throw new IllegalArgumentException("a delivery key is 1 to 64 characters: " + value);
        }
        if (queuedAt == null) {
            throw new IllegalArgumentException("a delivery key needs the time its message was queued");
        }
    }
}
