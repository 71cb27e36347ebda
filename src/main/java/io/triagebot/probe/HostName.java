package io.triagebot.probe;

import java.util.regex.Pattern;

/**
 * A host name or SSH alias as typed by a person, checked before it goes anywhere near a connection.
 *
 * <p>Only letters, digits, dots, hyphens and underscores (underscores appear in SSH aliases), 1 to 253
 * characters, starting with a letter or digit; or a bracket-free IPv6 literal. Nothing else: no user@,
 * no spaces, no shell or option characters. A name is never put into a shell command.
 */
public record HostName(String value) {

    /** The reserved name for the machine triagebot itself runs on: no SSH involved. */
    public static final String LOCAL = "local";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]{2,39}(%[A-Za-z0-9_.-]{1,15})?");

    public HostName {
        String problem = problemWith(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Returns why {@code raw} is not an acceptable host name, or null when it is. */
    public static String problemWith(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "host name is empty";
        }
        if (raw.length() > 253) {
            return "host name is longer than 253 characters";
        }
        if (NAME.matcher(raw).matches()) {
            if (raw.contains("..")) {
                return "host name '" + printable(raw) + "' has an empty label ('..')";
            }
            return null;
        }
        if (raw.indexOf(':') >= 0 && IPV6.matcher(raw).matches()) {
            return null;
        }
        return "'" + printable(raw) + "' is not a host name or alias: use letters, digits, '.', '-' or '_'"
                + " (no user@, spaces, quotes or shell characters)";
    }

    public boolean isLocal() {
        return LOCAL.equals(value);
    }

    @Override
    public String toString() {
        return value;
    }

    /** Shows a bad name in an error without letting control characters or huge input through. */
    private static String printable(String raw) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length() && out.length() < 64; i++) {
            char c = raw.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (raw.length() > 64) {
            out.append("...");
        }
        return out.toString();
    }
}
