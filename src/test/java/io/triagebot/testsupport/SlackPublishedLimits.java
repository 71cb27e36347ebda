package io.triagebot.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;

/**
 * What Slack answers to a message over its published limits (Block Kit reference; chat.postMessage):
 * {@code invalid_blocks} for a section's text over 3,000 characters (a field over 2,000), a header over
 * 150, a button's text over 75 (its value over 2,000), a confirmation dialog over its limits, more than
 * 50 blocks or more than 25 elements in an actions block; {@code msg_too_long} for a message's text over
 * 40,000. Written from the documentation, independently of the bot's own limits.
 */
public final class SlackPublishedLimits {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SlackPublishedLimits() {
    }

    /** The error Slack gives for this call's form, or null when it is within the limits. */
    public static String violation(Map<String, String> form) {
        String text = form.get("text");
        if (text != null && text.length() > 40_000) {
            return "msg_too_long";
        }
        String blocks = form.get("blocks");
        if (blocks == null || blocks.isBlank()) {
            return null;
        }
        try {
            JsonNode array = JSON.readTree(blocks);
            if (!array.isArray() || array.size() > 50) {
                return "invalid_blocks";
            }
            for (JsonNode block : array) {
                if (!blockFits(block)) {
                    return "invalid_blocks";
                }
            }
            return null;
        } catch (IOException e) {
            return "invalid_blocks";
        }
    }

    private static boolean blockFits(JsonNode block) {
        switch (block.path("type").asText()) {
            case "section" -> {
                if (block.has("text") && !within(block.path("text"), 1, 3000)) {
                    return false;
                }
                for (JsonNode f : block.path("fields")) {
                    if (!within(f, 1, 2000)) {
                        return false;
                    }
                }
                return !block.has("accessory") || elementFits(block.path("accessory"));
            }
            case "header" -> {
                return within(block.path("text"), 1, 150);
            }
            case "context" -> {
                if (block.path("elements").size() > 10) {
                    return false;
                }
                for (JsonNode e : block.path("elements")) {
                    if (e.has("text") && !within(e, 1, 3000)) {
                        return false;
                    }
                }
                return true;
            }
            case "actions" -> {
                if (block.path("elements").size() > 25) {
                    return false;
                }
                for (JsonNode e : block.path("elements")) {
                    if (!elementFits(e)) {
                        return false;
                    }
                }
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    private static boolean elementFits(JsonNode e) {
        if (!"button".equals(e.path("type").asText())) {
            return true;
        }
        if (!within(e.path("text"), 1, 75) || e.path("value").asText("").length() > 2000) {
            return false;
        }
        JsonNode c = e.path("confirm");
        return c.isMissingNode() || (within(c.path("title"), 1, 100) && within(c.path("text"), 1, 300)
                && within(c.path("confirm"), 1, 30) && within(c.path("deny"), 1, 30));
    }

    /** A text object whose text has between min and max characters. */
    private static boolean within(JsonNode textObject, int min, int max) {
        int n = textObject.path("text").asText("").length();
        return n >= min && n <= max;
    }
}
