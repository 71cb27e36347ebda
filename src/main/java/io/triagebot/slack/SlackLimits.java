package io.triagebot.slack;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.HeaderBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.ConfirmationDialogObject;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import java.util.List;

/**
 * Slack's published limits, and the one place they are applied: every {@link SlackMessage} passes through
 * {@link #fit(List)} and {@link #text(String)} when it is made, which is after escaping, so an escape
 * ({@code <} becomes five characters) can never push a field over. Renderers split long text into further
 * sections and messages themselves; what still does not fit here is clipped with an ellipsis, never cut
 * inside an escape. A message over a limit is refused by Slack ({@code invalid_blocks},
 * {@code msg_too_long}) and would never be delivered.
 */
public final class SlackLimits {

    /** Text of a section block (and of any other text object not listed below). */
    public static final int SECTION = 3000;
    /** Text of one of a section's fields. */
    public static final int FIELD = 2000;
    /** Text of a header block. */
    public static final int HEADER = 150;
    /** Text of a button. */
    public static final int BUTTON = 75;
    /** A button's value. */
    public static final int BUTTON_VALUE = 2000;
    /** Blocks in one message. */
    public static final int BLOCKS = 50;
    /** The top-level {@code text} of a message. */
    public static final int MESSAGE_TEXT = 40_000;
    /** A confirmation dialog's title, text, and button labels. */
    public static final int CONFIRM_TITLE = 100;
    public static final int CONFIRM_TEXT = 300;
    public static final int CONFIRM_BUTTON = 30;

    private SlackLimits() {
    }

    /** A message's top-level text (already escaped), within Slack's limit. */
    public static String text(String escaped) {
        return clip(escaped, MESSAGE_TEXT);
    }

    /**
     * At most {@code max} characters of escaped text, an ellipsis marking the cut. The cut never falls inside
     * an escape ({@code &amp;}, {@code &lt;}, {@code &gt;}) nor between the halves of a surrogate pair.
     */
    public static String clip(String escaped, int max) {
        if (escaped == null || escaped.length() <= max) {
            return escaped;
        }
        return escaped.substring(0, cutPoint(escaped, max - 1)) + "…";
    }

    /** Where to cut {@code s} so the first part has at most {@code max} characters and no broken escape. */
    static int cutPoint(String s, int max) {
        int cut = Math.min(max, s.length());
        int amp = s.lastIndexOf('&', cut - 1);
        if (amp >= 0 && amp > cut - 5) {
            int semi = s.indexOf(';', amp);
            if (semi >= cut && semi - amp <= 4) {
                cut = amp;
            }
        }
        if (cut > 0 && cut < s.length() && Character.isHighSurrogate(s.charAt(cut - 1))) {
            cut--;
        }
        return cut;
    }

    /**
     * Applies the per-field limits to {@code blocks} in place and returns them.
     *
     * @throws IllegalArgumentException with more than {@link #BLOCKS} blocks: renderers split messages
     *     themselves, since only they know where a message may end
     */
    public static List<LayoutBlock> fit(List<LayoutBlock> blocks) {
        if (blocks.size() > BLOCKS) {
            throw new IllegalArgumentException(blocks.size() + " blocks in one message; Slack allows " + BLOCKS);
        }
        for (LayoutBlock b : blocks) {
            if (b instanceof SectionBlock s) {
                fitText(s.getText(), SECTION);
                if (s.getFields() != null) {
                    s.getFields().forEach(f -> fitText(f, FIELD));
                }
                fitElement(s.getAccessory());
            } else if (b instanceof HeaderBlock h) {
                fitText(h.getText(), HEADER);
            } else if (b instanceof ContextBlock c && c.getElements() != null) {
                c.getElements().forEach(e -> {
                    if (e instanceof TextObject t) {
                        fitText(t, SECTION);
                    }
                });
            } else if (b instanceof ActionsBlock a && a.getElements() != null) {
                a.getElements().forEach(SlackLimits::fitElement);
            }
        }
        return blocks;
    }

    private static void fitElement(BlockElement e) {
        if (e instanceof ButtonElement button) {
            fitText(button.getText(), BUTTON);
            fitConfirm(button.getConfirm());
        }
    }

    private static void fitConfirm(ConfirmationDialogObject c) {
        if (c == null) {
            return;
        }
        fitText(c.getTitle(), CONFIRM_TITLE);
        fitText(c.getText(), CONFIRM_TEXT);
        fitText(c.getConfirm(), CONFIRM_BUTTON);
        fitText(c.getDeny(), CONFIRM_BUTTON);
    }

    private static void fitText(TextObject t, int max) {
        if (t instanceof MarkdownTextObject m && m.getText() != null && m.getText().length() > max) {
            m.setText(clip(m.getText(), max));
        } else if (t instanceof PlainTextObject p && p.getText() != null && p.getText().length() > max) {
            p.setText(clip(p.getText(), max));
        }
    }
}
