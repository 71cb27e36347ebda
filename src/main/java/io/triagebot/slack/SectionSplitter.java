package io.triagebot.slack;

import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

import com.slack.api.model.block.LayoutBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits long mrkdwn into pieces that fit a section block, at line boundaries where possible, so that
 * nothing is ever cut: what does not fit goes into the next block.
 */
final class SectionSplitter {

    private SectionSplitter() {
    }

    static List<String> split(String text, int max) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String rest = line;
            while (rest.length() > max) {
                flush(out, current);
                int cut = cutPoint(rest, max);
                out.add(rest.substring(0, cut));
                rest = rest.substring(cut);
            }
            int extra = current.isEmpty() ? rest.length() : rest.length() + 1;
            if (current.length() + extra > max) {
                flush(out, current);
            }
            if (!current.isEmpty()) {
                current.append('\n');
            }
            current.append(rest);
        }
        flush(out, current);
        return out;
    }

    /** Never cut inside an escape such as "&amp;": Slack would show a broken entity. */
    private static int cutPoint(String s, int max) {
        int cut = SlackLimits.cutPoint(s, max);
        int space = s.lastIndexOf(' ', cut - 1);
        return space > max / 2 ? space + 1 : cut;
    }

    /**
     * Escaped mrkdwn as section blocks of at most {@code maxBlocks}: what does not fit in one section
     * continues in the next; past the last allowed block the text is clipped, saying so.
     */
    static List<LayoutBlock> sections(String mrkdwn, int maxBlocks) {
        List<String> pieces = split(mrkdwn, SlackLimits.SECTION);
        List<LayoutBlock> out = new ArrayList<>();
        for (int i = 0; i < pieces.size() && i < maxBlocks; i++) {
            String piece = pieces.get(i);
            if (i == maxBlocks - 1 && pieces.size() > maxBlocks) {
                piece = SlackLimits.clip(piece, SlackLimits.SECTION - CLIPPED.length()) + CLIPPED;
            }
            String text = piece;
            out.add(section(s -> s.text(markdownText(text))));
        }
        return out;
    }

    /** Marks text cut at the last block a message may hold. */
    static final String CLIPPED = "\n_(clipped: too long for one Slack message)_";

    private static void flush(List<String> out, StringBuilder current) {
        if (!current.isEmpty()) {
            out.add(current.toString());
            current.setLength(0);
        }
    }
}
