package io.triagebot.cli;

import io.triagebot.analysis.Severity;
import java.io.Console;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * ANSI colour for the terminal report: the severity words and the section headings. Only when standard
 * output is a terminal, and never when {@code NO_COLOR} is set to anything but the empty string
 * (no-color.org) or {@code TERM} is {@code dumb}; a pipe, a file or {@code --json} get plain text.
 */
final class Colour {

    static final Colour NONE = new Colour(false);
    static final Colour ANSI = new Colour(true);

    private static final String RESET = "\u001b[0m";

    private final boolean enabled;

    private Colour(boolean enabled) {
        this.enabled = enabled;
    }

    /** For this process: its environment and whether its standard output is a terminal. */
    static Colour forStdout() {
        return choose(System.getenv(), stdoutIsTerminal());
    }

    static Colour choose(Map<String, String> env, boolean terminal) {
        String noColor = env.get("NO_COLOR");
        boolean refused = (noColor != null && !noColor.isEmpty()) || "dumb".equals(env.get("TERM"));
        return terminal && !refused ? ANSI : NONE;
    }

    boolean enabled() {
        return enabled;
    }

    /** The severity word, coloured by how bad it is: CRITICAL bold red, HIGH red, MEDIUM yellow, LOW green. */
    String severity(Severity s) {
        return paint(switch (s) {
            case CRITICAL -> "1;31";
            case HIGH -> "31";
            case MEDIUM -> "33";
            case LOW -> "32";
        }, s.name());
    }

    String heading(String text) {
        return paint("1", text);
    }

    private String paint(String sgr, String text) {
        return enabled ? "\u001b[" + sgr + "m" + text + RESET : text;
    }

    /**
     * Up to Java 21 {@link System#console()} exists only when standard input and output are a terminal; from
     * Java 22 it may exist for a redirected output too, and {@code Console.isTerminal()} tells.
     */
    private static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
