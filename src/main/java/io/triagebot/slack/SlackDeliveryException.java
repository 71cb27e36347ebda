package io.triagebot.slack;

/** Slack refused a call for good (bad channel, bad token) or kept failing past the retry budget. */
public class SlackDeliveryException extends Exception {

    private final String error;

    public SlackDeliveryException(String method, String error, Throwable cause) {
        super(method + " failed: " + error, cause);
        this.error = error;
    }

    /** Slack's error code ("channel_not_found", "not_in_channel"...) or a transport description. */
    public String error() {
        return error;
    }
}
