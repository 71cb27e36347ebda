package io.triagebot.shell;

import java.util.regex.Pattern;

/**
 * The one way a word reaches a POSIX shell, whether in a generated script (collector, deep dive, runbook)
 * or in a command suggested to a person: single quotes, inside which sh interprets nothing, and a single
 * quote itself written {@code '\''}. So {@code $(reboot)}, backticks, {@code ;}, newlines and any Unicode
 * a host prints are data, never shell text.
 */
public final class ShellWords {

    /** Words that need no quoting for a human reading or pasting the command. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWords() {
    }

    /** {@code word} single-quoted for sh, always. */
    public static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** {@code word} as a person would type it: bare when safe, else single-quoted exactly as {@link #quote}. */
    public static String human(String word) {
        return PLAIN.matcher(word).matches() ? word : quote(word);
    }
}
