package io.triagebot.incident;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The short id people type: {@code INC-42}. */
public record IncidentId(long value) {

    private static final Pattern FORMAT = Pattern.compile("(?i)INC-(\\d{1,15})");

    public static Optional<IncidentId> parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.strip());
        return m.matches() ? Optional.of(new IncidentId(Long.parseLong(m.group(1)))) : Optional.empty();
    }

    @Override
    public String toString() {
        return "INC-" + value;
    }
}
