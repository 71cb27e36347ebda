package io.triagebot.analysis;

import io.triagebot.yaml.StrictYaml;
import io.triagebot.yaml.YamlException;
import io.triagebot.yaml.YamlMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Detector thresholds from {@code thresholds.yaml}: every number a detector compares against, each with
 * its source (a published tool, or "proposal" for our own starting point). A site overrides values with
 * a file of the same shape holding only the numbers it changes; unknown names there are errors.
 */
public final class Thresholds {

    /** The built-in file on the classpath, a copy of the repository's thresholds.yaml. */
    public static final String BUILT_IN = "thresholds.yaml";

    /** One threshold. */
    public record Threshold(String group, String name, double value, String source) {
    }

    private final Map<String, Map<String, Threshold>> groups;

    private Thresholds(Map<String, Map<String, Threshold>> groups) {
        this.groups = groups;
    }

    public static Thresholds builtIn() {
        try (InputStream in = Thresholds.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("built-in thresholds.yaml missing from the classpath (broken build?)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUILT_IN);
        } catch (IOException | YamlException e) {
            throw new IllegalStateException("built-in thresholds.yaml is invalid: " + e.getMessage(), e);
        }
    }

    /** Parses a full thresholds file (every threshold with value and source). */
    public static Thresholds parse(String text, String source) throws YamlException {
        YamlMap doc = StrictYaml.parseMap(text, source);
        Map<String, Map<String, Threshold>> groups = new LinkedHashMap<>();
        for (String group : doc.keys()) {
            YamlMap g = doc.optionalMap(group).orElseThrow(() -> doc.error(group, "'" + group + "' must be a mapping"));
            Map<String, Threshold> entries = new LinkedHashMap<>();
            for (String name : g.keys()) {
                YamlMap t = g.optionalMap(name)
                        .orElseThrow(() -> g.error(name, "'" + name + "' must have 'value' and 'source'"))
                        .describedAs(group + "." + name);
                t.checkKeys(List.of("value", "source"), List.of("value", "source"));
                entries.put(name, new Threshold(group, name, t.number("value", -1e15, 1e15), t.string("source")));
            }
            groups.put(group, Collections.unmodifiableMap(entries));
        }
        return new Thresholds(Collections.unmodifiableMap(groups));
    }

    /**
     * Returns these thresholds with the values of {@code file} applied. The file holds
     * {@code group: {name: number}}; a name the built-in file does not know is an error naming the line.
     */
    public Thresholds withOverrides(Path file) throws YamlException {
        YamlMap doc = StrictYaml.loadMap(file, file.toString());
        Map<String, Map<String, Threshold>> copy = new LinkedHashMap<>();
        groups.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
        for (String group : doc.keys()) {
            Map<String, Threshold> known = copy.get(group);
            if (known == null) {
                throw doc.keyError(group, "unknown threshold group '" + group + "' (known: " + String.join(", ", groups.keySet()) + ")");
            }
            YamlMap g = doc.optionalMap(group).orElseThrow(() -> doc.error(group, "'" + group + "' must be a mapping"));
            g.checkKeys(known.keySet(), Set.of());
            for (String name : g.keys()) {
                known.put(name, new Threshold(group, name, g.number(name, -1e15, 1e15), "site override (" + file + ")"));
            }
        }
        Map<String, Map<String, Threshold>> frozen = new LinkedHashMap<>();
        copy.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
        return new Thresholds(Collections.unmodifiableMap(frozen));
    }

    /** The value of {@code group.name}; a missing one is a programming error caught by the tests. */
    public double value(String group, String name) {
        return threshold(group, name).value();
    }

    public Threshold threshold(String group, String name) {
        Map<String, Threshold> g = groups.get(group);
        Threshold t = g == null ? null : g.get(name);
        if (t == null) {
            throw new IllegalStateException("no threshold " + group + "." + name + " in thresholds.yaml");
        }
        return t;
    }

    public Map<String, Map<String, Threshold>> all() {
        return groups;
    }
}
