package io.triagebot.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Placeholders in runbook templates: {@code {name}} for a parameter, {@code {previous}} for the captured
 * value (the only one restored) and {@code {previous.name}} for the captured value of parameter
 * {@code name}. A template is one argv element or an {@code input}; a value is substituted into it as
 * text, never split or interpreted, and the element is quoted as a whole afterwards.
 */
final class Templates {

    static final String PREVIOUS = "previous";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(previous(?:\\.[a-z][a-z0-9_]{0,31})?|[a-z][a-z0-9_]{0,31})}");

    private Templates() {
    }

    /**
     * The placeholder keys in {@code template}, in order ({@code value}, {@code previous},
     * {@code previous.rmem}).
     *
     * @throws IllegalArgumentException with a message for the runbook author on a stray brace
     */
    static List<String> keys(String template) {
        List<String> out = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            checkLiteral(template, template.substring(last, m.start()));
            out.add(m.group(1));
            last = m.end();
        }
        checkLiteral(template, template.substring(last));
        return out;
    }

    private static void checkLiteral(String template, String literal) {
        if (literal.indexOf('{') >= 0 || literal.indexOf('}') >= 0) {
            throw new IllegalArgumentException("'" + template + "' has a brace that is not a placeholder"
                    + " ({name} with a lower-case parameter name, {previous} or {previous.name})");
        }
    }

    /** {@code template} with every placeholder replaced by its value in {@code values} (keys as {@link #keys}). */
    static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException("no value for {" + m.group(1) + "} in " + template);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The placeholder keys of free text (persistence advice), where other braces are literal
     * ({@code ATTR{queue/scheduler}} in a udev rule).
     */
    static List<String> textKeys(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Free text with the placeholders whose keys are in {@code values} replaced; other braces stay. */
    static String renderText(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The template with placeholders replaced by {@code marker} (to check its literal shape). */
    static String shape(String template, String marker) {
        return PLACEHOLDER.matcher(template).replaceAll(Matcher.quoteReplacement(marker));
    }
}
