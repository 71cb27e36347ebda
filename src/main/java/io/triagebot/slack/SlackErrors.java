package io.triagebot.slack;

import java.util.Set;

/**
 * What a Slack Web API error code means for delivery. Slack documents few codes as passing: rate limits and
 * its own server trouble. A refused token stops every call until someone fixes it; everything else (a bad
 * message, a channel gone or closed to the bot) refuses that one call for good.
 */
final class SlackErrors {

    /** The token itself is refused: no call will work until it is replaced or re-enabled. */
    static final Set<String> TOKEN = Set.of("invalid_auth", "not_authed", "token_revoked", "token_expired",
            "account_inactive");
    /** Slack asks to come back later. */
    static final Set<String> PASSING = Set.of("ratelimited", "rate_limited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout");
    /** The channel cannot take any message from the bot: telling its thread about it cannot work either. */
    static final Set<String> CHANNEL_CLOSED = Set.of("channel_not_found", "not_in_channel", "is_archived",
            "channel_is_archived", "restricted_action", "team_access_not_granted");

    private SlackErrors() {
    }

    static SlackDeliveryException.Kind kindOf(String error) {
        if (error == null) {
            return SlackDeliveryException.Kind.PERMANENT;
        }
        if (TOKEN.contains(error)) {
            return SlackDeliveryException.Kind.TOKEN;
        }
        return PASSING.contains(error) ? SlackDeliveryException.Kind.TRANSIENT : SlackDeliveryException.Kind.PERMANENT;
    }

    /** Errors after which the server may have done part of the work (Slack says so of fatal_error). */
    static boolean mayHaveActed(String error) {
        return "internal_error".equals(error) || "fatal_error".equals(error) || "request_timeout".equals(error);
    }
}
