package io.triagebot.slack;

import java.util.Set;

/**
 * Who may triage where. Empty sets mean "anyone" and "any channel the bot is in", the default; a team
 * that wants triage only in its incident channels lists them.
 */
public record AccessPolicy(Set<String> allowedChannels, Set<String> allowedUsers) {

    public AccessPolicy {
        allowedChannels = Set.copyOf(allowedChannels);
        allowedUsers = Set.copyOf(allowedUsers);
    }

    public static AccessPolicy open() {
        return new AccessPolicy(Set.of(), Set.of());
    }

    /** Why {@code user} may not triage in {@code channel}, or null when allowed. */
    String refusal(String channel, String user) {
        String channelRefusal = channelRefusal(channel);
        if (channelRefusal != null) {
            return channelRefusal;
        }
        if (!allowedUsers.isEmpty() && !allowedUsers.contains(user)) {
            return "You are not on the list of people allowed to triage (slack.allowedUsers).";
        }
        return null;
    }

    /** Why nothing may happen in {@code channel}, or null when the bot works there. */
    String channelRefusal(String channel) {
        if (!allowedChannels.isEmpty() && !allowedChannels.contains(channel)) {
            return "Triage is not enabled in this channel. Ask an admin to add it to slack.allowedChannels.";
        }
        return null;
    }
}
