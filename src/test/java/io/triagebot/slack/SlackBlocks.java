package io.triagebot.slack;

import io.triagebot.testsupport.FakeSlackApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading Block Kit JSON in tests: the SDK writes =, ', <, > and & as HTML-safe escapes. */
final class SlackBlocks {

    private static final Pattern VALUE = Pattern.compile("\"value\":\"([^\"]*)\"");

    private SlackBlocks() {
    }

    /** The JSON with the SDK's HTML-safe escapes read back, so assertions can name the text Slack shows. */
    static String readable(String json) {
        return json.replace("\\u003d", "=").replace("\\u0027", "'").replace("\\u003c", "<")
                .replace("\\u003e", ">").replace("\\u0026", "&");
    }

    /** A recorded call's blocks, readable (empty when it had none). */
    static String blocks(Map<String, String> call) {
        return readable(call.getOrDefault("blocks", ""));
    }

    /** What {@code user} was told privately: each ephemeral answer's text and blocks, in order. */
    static List<String> ephemeralTo(FakeSlackApi slack, String user) {
        return slack.calls("chat.postEphemeral").stream().filter(m -> user.equals(m.get("user")))
                .map(m -> m.getOrDefault("text", "") + blocks(m)).toList();
    }

    /** Every button value, in order. */
    static List<String> values(String json) {
        List<String> out = new ArrayList<>();
        Matcher m = VALUE.matcher(json);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
