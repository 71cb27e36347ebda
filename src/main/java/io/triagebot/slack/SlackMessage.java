package io.triagebot.slack;

import com.slack.api.model.block.LayoutBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * One message to post: Block Kit blocks plus the fallback text Slack shows in notifications. Both hold
 * escaped mrkdwn only (host and user text through {@link Mrkdwn#escape}); making one applies Slack's
 * limits ({@link SlackLimits}), so no message over a limit can exist.
 */
public record SlackMessage(String text, List<LayoutBlock> blocks) {

    /** Slack's limit on blocks in one message. */
    public static final int MAX_BLOCKS = SlackLimits.BLOCKS;
    /** Slack's limit on the text of one section block. */
    public static final int MAX_SECTION_CHARS = SlackLimits.SECTION;

    public SlackMessage {
        text = SlackLimits.text(text);
        blocks = List.copyOf(SlackLimits.fit(new ArrayList<>(blocks)));
    }
}
