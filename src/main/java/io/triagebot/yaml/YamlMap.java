package io.triagebot.yaml;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML mapping with typed, line-aware accessors. Every accessor that finds something wrong throws a
 * {@link YamlException} pointing at the offending line, phrased for the person editing the file.
 */
public final class YamlMap {

    private final String source;
    private final MappingNode node;
    private final String context;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    YamlMap(String source, MappingNode node, String context) throws YamlException {
        this.source = source;
        this.node = node;
        this.context = context;
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new YamlException(source, lineOf(tuple.getKeyNode()), prefix() + "keys must be plain words");
            }
            if (entries.put(key.getValue(), tuple) != null) {
                throw new YamlException(source, lineOf(key), prefix() + "duplicate key '" + key.getValue() + "'");
            }
        }
    }

    /** The file this mapping came from, as errors name it. */
    public String source() {
        return source;
    }

    /** One-based line where this mapping starts. */
    public int line() {
        return lineOf(node);
    }

    /** Returns a copy of this mapping whose errors are prefixed with {@code what} (e.g. "probe 'stat'"). */
    public YamlMap describedAs(String what) {
        try {
            return new YamlMap(source, node, what);
        } catch (YamlException e) {
            throw new IllegalStateException("re-reading a mapping that was valid", e);
        }
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Fails on keys outside {@code allowed} and on missing {@code required} keys. */
    public YamlMap checkKeys(Collection<String> allowed, Collection<String> required) throws YamlException {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new YamlException(source, lineOf(e.getValue().getKeyNode()),
                        prefix() + "unknown key '" + e.getKey() + "' (known keys: " + String.join(", ", allowed) + ")");
            }
        }
        for (String key : required) {
            if (!entries.containsKey(key)) {
                throw new YamlException(source, line(), prefix() + "missing required key '" + key + "'");
            }
        }
        return this;
    }

    public String string(String key) throws YamlException {
        return optionalString(key).orElseThrow(
                () -> new YamlException(source, line(), prefix() + "missing required key '" + key + "'"));
    }

    public Optional<String> optionalString(String key) throws YamlException {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return Optional.empty();
        }
        if (!(t.getValueNode() instanceof ScalarNode scalar)) {
            throw error(key, "'" + key + "' must be a single value, not a list or mapping");
        }
        String v = scalar.getValue();
        if (v.isBlank()) {
            throw error(key, "'" + key + "' is empty");
        }
        return Optional.of(v);
    }

    public int integer(String key, int min, int max, int defaultValue) throws YamlException {
        Optional<String> raw = optionalString(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(raw.get().trim());
            if (v < min || v > max) {
                throw error(key, "'" + key + "' must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(key, "'" + key + "' must be a whole number, got '" + raw.get() + "'");
        }
    }

    public double number(String key, double min, double max) throws YamlException {
        String raw = string(key);
        try {
            double v = Double.parseDouble(raw.trim());
            if (!(v >= min && v <= max)) {
                throw error(key, "'" + key + "' must be between " + min + " and " + max + ", got " + raw);
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(key, "'" + key + "' must be a number, got '" + raw + "'");
        }
    }

    public boolean bool(String key, boolean defaultValue) throws YamlException {
        Optional<String> raw = optionalString(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get()) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw error(key, "'" + key + "' must be true or false, got '" + raw.get() + "'");
        };
    }

    /** One of {@code choices}, or {@code defaultValue} when absent (null default means required). */
    public String choice(String key, List<String> choices, String defaultValue) throws YamlException {
        Optional<String> raw = optionalString(key);
        if (raw.isEmpty()) {
            if (defaultValue == null) {
                throw new YamlException(source, line(), prefix() + "missing required key '" + key + "'");
            }
            return defaultValue;
        }
        if (!choices.contains(raw.get())) {
            throw error(key, "'" + key + "' must be one of " + choices + ", got '" + raw.get() + "'");
        }
        return raw.get();
    }

    /** A list of plain values; a single value is accepted as a list of one. Absent gives an empty list. */
    public List<String> stringList(String key) throws YamlException {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return List.of();
        }
        return scalars(key, t.getValueNode());
    }

    /** A list of lists of plain values (e.g. alternative command lines). */
    public List<List<String>> stringListList(String key) throws YamlException {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return List.of();
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            throw error(key, "'" + key + "' must be a list of lists");
        }
        List<List<String>> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            out.add(scalars(key, item));
        }
        return out;
    }

    /** A nested mapping, or empty when absent. */
    public Optional<YamlMap> optionalMap(String key) throws YamlException {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return Optional.empty();
        }
        if (!(t.getValueNode() instanceof MappingNode m)) {
            throw error(key, "'" + key + "' must be a mapping (key: value)");
        }
        return Optional.of(new YamlMap(source, m, context));
    }

    /** A list of mappings, each described by {@code itemContext} in errors until renamed. */
    public List<YamlMap> mapList(String key) throws YamlException {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return List.of();
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            throw error(key, "'" + key + "' must be a list");
        }
        List<YamlMap> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof MappingNode m)) {
                throw new YamlException(source, lineOf(item), prefix() + "each entry of '" + key + "' must be a mapping");
            }
            out.add(new YamlMap(source, m, context));
        }
        return out;
    }

    /** All entries of a mapping whose values are plain scalars, in file order. */
    public Map<String, String> scalarEntries() throws YamlException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            out.put(e.getKey(), string(e.getKey()));
        }
        return out;
    }

    /** Line of the value under {@code key}, or of the mapping when absent. */
    public int lineOf(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? line() : lineOf(t.getValueNode());
    }

    /** An error located at {@code key}'s value, prefixed with this mapping's description. */
    public YamlException error(String key, String message) {
        return new YamlException(source, lineOf(key), prefix() + message);
    }

    /** An error located at {@code key} itself (for "unknown name" complaints). */
    public YamlException keyError(String key, String message) {
        NodeTuple t = entries.get(key);
        return new YamlException(source, t == null ? line() : lineOf(t.getKeyNode()), prefix() + message);
    }

    /** An error located at the start of this mapping. */
    public YamlException error(String message) {
        return new YamlException(source, line(), prefix() + message);
    }

    private List<String> scalars(String key, Node value) throws YamlException {
        if (value instanceof ScalarNode s) {
            return List.of(s.getValue());
        }
        if (!(value instanceof SequenceNode seq)) {
            throw new YamlException(source, lineOf(value), prefix() + "'" + key + "' must be a list of values");
        }
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof ScalarNode s)) {
                throw new YamlException(source, lineOf(item), prefix() + "'" + key + "' must contain plain values only");
            }
            out.add(s.getValue());
        }
        return out;
    }

    private String prefix() {
        return context.isEmpty() ? "" : context + ": ";
    }

    static int lineOf(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    /** Set of keys, kept in declaration order for readable "known keys" lists. */
    public static Set<String> keySet(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
