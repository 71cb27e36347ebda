package io.triagebot.slack;

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
        int cut = max;
        int amp = s.lastIndexOf('&', cut - 1);
        if (amp >= 0 && amp > cut - 6 && s.indexOf(';', amp) >= cut) {
            cut = amp;
        }
        int space = s.lastIndexOf(' ', cut - 1);
        return space > max / 2 ? space + 1 : cut;
    }

    private static void flush(List<String> out, StringBuilder current) {
        if (!current.isEmpty()) {
            out.add(current.toString());
            current.setLength(0);
        }
    }
}
