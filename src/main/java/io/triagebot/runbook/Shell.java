package io.triagebot.runbook;

import java.util.List;
import io.triagebot.shell.ShellWords;

/**
 * Shell words for rendered runbooks, through {@link ShellWords}. Every word of a script is single-quoted with the same rule as the
 * collector's ({@code io.triagebot.probe.CollectorScript#word}, minus its bare globs): inside single
 * quotes sh interprets nothing, and a single quote itself is written {@code '\''}. So {@code $(reboot)},
 * backticks, {@code ;}, newlines and any Unicode are data, never shell text.
 */
final class Shell {

    private Shell() {
    }

    /** {@code arg} single-quoted for sh, always. */
    static String quote(String arg) {
        return ShellWords.quote(arg);
    }

    /** {@code arg} as a person would type it: bare when safe, else single-quoted exactly as {@link #quote}. */
    static String humanWord(String arg) {
        return ShellWords.human(arg);
    }

    static String quoted(List<String> argv) {
        StringBuilder s = new StringBuilder();
        for (String a : argv) {
            s.append(s.length() == 0 ? "" : " ").append(quote(a));
        }
        return s.toString();
    }

    static String human(List<String> argv) {
        StringBuilder s = new StringBuilder();
        for (String a : argv) {
            s.append(s.length() == 0 ? "" : " ").append(humanWord(a));
        }
        return s.toString();
    }

    /** A value for an error message: quoted, control and non-ASCII characters escaped, clipped. */
    static String display(String value) {
        StringBuilder s = new StringBuilder("'");
        int shown = 0;
        for (int i = 0; i < value.length(); i++) {
            if (shown++ >= 80) {
                s.append("...");
                break;
            }
            char c = value.charAt(i);
            if (c == '\n') {
                s.append("\\n");
            } else if (c == '\t') {
                s.append("\\t");
            } else if (c < 0x20 || c >= 0x7f) {
                s.append(String.format("\\u%04x", (int) c));
            } else if (c == '\'' || c == '\\') {
                s.append('\\').append(c);
            } else {
                s.append(c);
            }
        }
        return s.append("'").toString();
    }
}
