package io.triagebot.slack;

/**
 * Slack mrkdwn escaping. Slack treats {@code <...>} as links and mentions ({@code <!channel>},
 * {@code <@U123>}), so anything that came from a host (process names, log lines, cgroup paths) or from a
 * user must have {@code & < >} escaped, as Slack documents, before it goes into a message; otherwise a
 * process named {@code <!channel>} would page everyone.
 */
public final class Mrkdwn {

    private Mrkdwn() {
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? '?' : c);
            }
        }
        return out.toString();
    }

    /** At most {@code max} characters, an ellipsis marking the cut, never inside an escape. */
    public static String clip(String s, int max) {
        return SlackLimits.clip(s, max);
    }

    /** The notification text of escaped mrkdwn: plain, and short (the blocks carry the whole). */
    public static String fallback(String mrkdwn) {
        return clip(plain(mrkdwn), FALLBACK_CHARS);
    }

    /** How much of a message a notification shows at most. */
    static final int FALLBACK_CHARS = 3000;

    /** The notification text of a mrkdwn message: the same words without the emphasis and code marks. */
    public static String plain(String mrkdwn) {
        return mrkdwn.replaceAll("[*_`]", "");
    }

    /** Escaped and wrapped as inline code, with backticks inside neutralised so the span cannot end early. */
    public static String code(String s) {
        return "`" + escape(s).replace('`', '\'') + "`";
    }
}
