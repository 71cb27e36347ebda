package io.triagebot.slack;

import java.util.regex.Pattern;

/** Slack ids (users, channels, teams) and message timestamps, checked before use. */
final class SlackIds {

    private static final Pattern ID = Pattern.compile("[A-Z0-9]{2,32}");
    private static final Pattern TS = Pattern.compile("\\d{1,12}\\.\\d{1,9}");

    private SlackIds() {
    }

    static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    static boolean isTs(String s) {
        return s != null && TS.matcher(s).matches();
    }

    /** A user mention, only for a well-formed id; anything else is shown escaped, never as a mention. */
    static String mention(String userId) {
        return isId(userId) ? "<@" + userId + ">" : Mrkdwn.escape(String.valueOf(userId));
    }
}
