package io.triagebot.ops;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Picks the log format for {@code logback.xml}: {@code json} when {@code TRIAGEBOT_LOG_FORMAT} says so,
 * {@code text} for anything else.
 *
 * <p>Read here rather than with {@code ${TRIAGEBOT_LOG_FORMAT}} in the XML: logback re-parses a variable's
 * value, so a value such as {@code "{"} or one naming itself fails the substitution, the appender's file
 * is not included, and every log line is dropped. This returns only names of appender files that exist.
 */
public final class LogFormat extends PropertyDefinerBase {

    static final String VARIABLE = "TRIAGEBOT_LOG_FORMAT";

    private final UnaryOperator<String> environment;

    /** Instantiated by logback from {@code <define>}. */
    public LogFormat() {
        this(System::getenv);
    }

    LogFormat(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    @Override
    public String getPropertyValue() {
        String value = environment.apply(VARIABLE);
        String format = choose(value);
        if (value != null && !value.isBlank() && !format.equals(value.strip().toLowerCase(Locale.ROOT))) {
            // Not through logback: its warnings print its whole status report on stdout, which carries reports.
            System.err.println(VARIABLE + "=" + printable(value) + " is neither text nor json: logging as text");
        }
        return format;
    }

    /** {@code json} or {@code text}: case and surrounding blanks do not matter; unset or empty is text. */
    static String choose(String value) {
        return value != null && value.strip().equalsIgnoreCase("json") ? "json" : "text";
    }

    private static String printable(String value) {
        String shown = value.replaceAll("\\p{Cntrl}", "?");
        return shown.length() <= 40 ? shown : shown.substring(0, 40) + "...";
    }
}
