package io.triagebot.runbook;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One declared parameter of a runbook.
 *
 * @param name as used in {@code {name}} placeholders and in detector suggestions
 * @param type what values are allowed
 * @param description for the approval card and usage messages
 * @param defaultValue the canonical default, or null when the parameter is required
 * @param min lower bound ({@code integer}; {@code size} in bytes; {@code percent} in percent), or null
 * @param max upper bound, likewise, or null
 * @param values the allowed values of an {@code enum}, else empty
 * @param pattern the full-match pattern of a {@code string}, else null
 */
public record ParameterSpec(String name, ParameterType type, String description, String defaultValue, Long min, Long max,
        List<String> values, Pattern pattern) {

    public ParameterSpec {
        values = List.copyOf(values);
        if (type == ParameterType.STRING && pattern == null) {
            throw new IllegalArgumentException("a string parameter needs a pattern: " + name);
        }
        if (type == ParameterType.ENUM && values.isEmpty()) {
            throw new IllegalArgumentException("an enum parameter needs values: " + name);
        }
        if (type.needsRange() && (min == null || max == null)) {
            throw new IllegalArgumentException("an integer parameter needs min and max: " + name);
        }
    }

    public Optional<String> defaultValueIfAny() {
        return Optional.ofNullable(defaultValue);
    }

    /** The rule values must follow, e.g. "a whole number from 0 to 200". */
    public String rule() {
        return type.rule(this);
    }

    /**
     * The canonical form of {@code value}.
     *
     * @throws InvalidParametersException naming this parameter and its rule
     */
    public String validate(String value) throws InvalidParametersException {
        if (value == null) {
            throw new InvalidParametersException("parameter '" + name + "' has no value; it must be " + rule());
        }
        Optional<String> ok = type.canonical(this, value);
        if (ok.isEmpty()) {
            throw new InvalidParametersException("parameter '" + name + "' must be " + rule() + "; got "
                    + Shell.display(value));
        }
        return ok.get();
    }

    /** Whether two valid values mean the same setting ({@code 512M} and {@code 536870912}, {@code 0-1} and {@code 0,1}). */
    public boolean same(String a, String b) {
        return type.same(a, b);
    }
}
