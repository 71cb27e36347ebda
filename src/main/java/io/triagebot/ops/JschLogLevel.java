package io.triagebot.ops;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The level of the SSH library's logger ({@code com.jcraft.jsch}) for {@code logback.xml}: everything it
 * says when {@code TRIAGEBOT_LOG_LEVEL} is {@code DEBUG} (or {@code TRACE}), nothing otherwise.
 *
 * <p>JSch narrates every connection at INFO (key exchange, algorithms, authentication) and logs ordinary
 * failures at WARN before throwing them. The bot turns each failure into its own one-line message (the
 * terminal's one line per failed host, the thread's explanation in Slack), so at the usual levels JSch's
 * lines would only say the same thing again, unevenly; when someone investigates with DEBUG, all of it
 * shows, in the chosen log format, with the triage's host field on lines from the triage's thread.
 */
public final class JschLogLevel extends PropertyDefinerBase {

    private static final Set<String> VERBOSE = Set.of("DEBUG", "TRACE", "ALL");

    private final UnaryOperator<String> environment;

    /** Instantiated by logback from {@code <define>}. */
    public JschLogLevel() {
        this(System::getenv);
    }

    JschLogLevel(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    @Override
    public String getPropertyValue() {
        String level = environment.apply("TRIAGEBOT_LOG_LEVEL");
        return level != null && VERBOSE.contains(level.strip().toUpperCase(Locale.ROOT)) ? "DEBUG" : "OFF";
    }
}
