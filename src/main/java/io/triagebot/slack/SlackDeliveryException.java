package io.triagebot.slack;

/**
 * A Slack call that did not succeed, and what that means for the message: try again later, never (Slack
 * refused it), or not until the token works again.
 */
public class SlackDeliveryException extends Exception {

    /** What the failure means for delivery. */
    public enum Kind {
        /** Rate limits, 5xx, timeouts, network errors, a claim about to end: try again later. */
        TRANSIENT,
        /** Slack refused this message or its channel for good (invalid_blocks, channel_not_found...). */
        PERMANENT,
        /** The token is refused (invalid_auth, token_revoked...): nothing goes out until it works again. */
        TOKEN
    }

    private final String error;
    private final Kind kind;
    private final boolean maybePosted;

    /** A failure whose kind follows from Slack's error code ({@link SlackErrors#kindOf}). */
    public SlackDeliveryException(String method, String error, Throwable cause) {
        this(method, error, SlackErrors.kindOf(error), false, cause);
    }

    /**
     * @param maybePosted the request may have reached Slack and been acted on (a timeout, a 5xx): a post
     *     must be looked up before it is repeated
     */
    public SlackDeliveryException(String method, String error, Kind kind, boolean maybePosted, Throwable cause) {
        super(method + " failed: " + error, cause);
        this.error = error;
        this.kind = kind;
        this.maybePosted = maybePosted;
    }

    /** Slack's error code ("channel_not_found", "not_in_channel"...) or a transport description. */
    public String error() {
        return error;
    }

    public Kind kind() {
        return kind;
    }

    public boolean maybePosted() {
        return maybePosted;
    }
}
