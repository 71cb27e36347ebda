package io.triagebot.incident;

/**
 * Host and user text inside a Markdown document, unable to change the document's structure: inline text
 * stays on its line with Markdown's punctuation escaped (so a headline of "```" or "# x" is just text), and
 * code blocks are fenced with more backticks than any run in their content (so no line can close them).
 */
final class MarkdownText {

    private static final String PUNCTUATION = "\\`*_[]#|~";

    private MarkdownText() {
    }

    /** Text for one line (a cell, a list item, a heading): newlines folded, punctuation escaped. */
    static String inline(String s) {
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
                case '\n', '\r', '\t' -> out.append(' ');
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append('?');
                    } else {
                        if (PUNCTUATION.indexOf(c) >= 0) {
                            out.append('\\');
                        }
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * A fenced code block, each line prefixed with {@code indent} (to sit inside a list item). The fence is
     * longer than the longest run of backticks in {@code content}, so the content cannot end it.
     */
    static String fenced(String content, String indent) {
        String fence = "`".repeat(Math.max(3, longestRun(content, '`') + 1));
        StringBuilder s = new StringBuilder();
        s.append(indent).append(fence).append('\n');
        for (String line : content.split("\r?\n", -1)) {
            s.append(indent).append(line.replaceAll("[\\x00-\\x08\\x0b-\\x1f\\x7f]", "?")).append('\n');
        }
        return s.append(indent).append(fence).append('\n').toString();
    }

    /** Inline code whose delimiters are longer than any backtick run inside, so it cannot end early. */
    static String code(String s) {
        String text = s == null ? "" : s.replaceAll("[\\r\\n\\t]", " ").replaceAll("[\\x00-\\x1f\\x7f]", "?");
        String ticks = "`".repeat(longestRun(text, '`') + 1);
        // A space on each side keeps a leading or trailing backtick of the content off the delimiter.
        return ticks + " " + text + " " + ticks;
    }

    static int longestRun(String s, char c) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == c ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
