package io.triagebot.slack;

import com.slack.api.model.block.LayoutBlock;
import java.util.List;

/**
 * One message to post: Block Kit blocks plus the plain-text fallback Slack shows in notifications.
 */
public record SlackMessage(String text, List<LayoutBlock> blocks) {

    /** Slack's limit on blocks in one message. */
    public static final int MAX_BLOCKS = 50;
    /** Slack's limit on the text of one section block. */
    public static final int MAX_SECTION_CHARS = 3000;

    public SlackMessage {
        blocks = List.copyOf(blocks);
        if (blocks.size() > MAX_BLOCKS) {
            throw new IllegalArgumentException(blocks.size() + " blocks in one message; Slack allows " + MAX_BLOCKS);
        }
    }
}
