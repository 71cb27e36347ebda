package io.triagebot.runbook;

import io.triagebot.analysis.Detector;
import io.triagebot.analysis.detectors.Detectors;
import io.triagebot.yaml.CatalogDirectory;
import io.triagebot.yaml.StrictYaml;
import io.triagebot.yaml.YamlException;
import io.triagebot.yaml.YamlMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and validates the runbook catalog: every {@code *.yaml} file of a directory, in name order, one
 * file per subsystem. The built-in catalog is the repository's {@code runbooks/}, shipped in the jar.
 *
 * <p>Validation is strict because runbooks change production hosts. Refused, with the file and line:
 * unknown keys, missing fields, duplicate ids, unknown parameter types, constraints a type does not take
 * or lacks, defaults outside their constraints, placeholders naming no parameter, parameters never used,
 * {@code {previous}} outside a rollback, a rollback that does not restore every captured value, an
 * {@code expect.metric} outside {@link VerificationMetric}, patterns no detector reports, and any program
 * or program form outside {@link StabilisationCommands} (the allow-list).
 */
public final class RunbookCatalogLoader {

    /** Where the built-in catalog lives on the classpath (a copy of the repository's runbooks/). */
    public static final String BUILT_IN = "runbooks";

    static final Set<String> SUBSYSTEMS = YamlMap.keySet("cpu", "memory", "io", "network");

    private static final Set<String> FILE_KEYS = YamlMap.keySet("subsystem", "runbooks");
    private static final Set<String> RUNBOOK_KEYS = YamlMap.keySet("id", "title", "patterns", "parameters", "sudo",
            "precondition", "confirm", "confirmEquals", "capture", "restores", "extract", "convert", "command", "input", "rollback", "rollbackInput",
            "irreversible", "persistence", "risk", "production", "dependencies", "expect", "settle", "approvals");
    private static final List<String> REQUIRED = List.of("id", "title", "patterns", "sudo", "precondition", "command",
            "persistence", "risk", "production");
    private static final Set<String> PARAMETER_KEYS = YamlMap.keySet("type", "description", "default", "min", "max",
            "values", "pattern");
    private static final Set<String> EXPECT_KEYS = YamlMap.keySet("metric", "direction", "pattern");

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,47}");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final Pattern LONG = Pattern.compile("-?[0-9]{1,19}");

    private RunbookCatalogLoader() {
    }

    /** The pattern ids findings can carry: those of the standard detectors. */
    public static Set<String> knownPatterns() {
        Set<String> out = new TreeSet<>();
        for (Detector d : Detectors.standard()) {
            out.add(d.pattern());
        }
        return out;
    }

    /** Loads the catalog shipped inside the application. */
    public static RunbookCatalog loadBuiltIn() throws RunbookCatalogException {
        return CatalogDirectory.builtIn(BUILT_IN, "memory.yaml", RunbookCatalogLoader::load, RunbookCatalogException::new);
    }

    /** Loads every {@code *.yaml} in {@code dir}. */
    public static RunbookCatalog load(Path dir) throws RunbookCatalogException {
        List<CatalogDirectory.Source> files = CatalogDirectory.yamlFiles(dir, "runbook catalog", RunbookCatalogException::new);
        Set<String> patterns = knownPatterns();
        List<Runbook> runbooks = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (CatalogDirectory.Source entry : files) {
            Path file = entry.file();
            String source = entry.name();
            try {
                for (Runbook r : parseFile(StrictYaml.loadMap(file, source), patterns)) {
                    String earlier = seen.putIfAbsent(r.id(), r.source());
                    if (earlier != null) {
                        throw new RunbookCatalogException(r.source() + ": duplicate runbook id '" + r.id()
                                + "' (first declared at " + earlier + ")");
                    }
                    runbooks.add(r);
                }
            } catch (YamlException e) {
                throw new RunbookCatalogException(e.getMessage(), e);
            }
        }
        return new RunbookCatalog(runbooks);
    }

    static List<Runbook> parseFile(YamlMap doc, Set<String> knownPatterns) throws YamlException {
        doc.checkKeys(FILE_KEYS, FILE_KEYS);
        String subsystem = doc.choice("subsystem", List.copyOf(SUBSYSTEMS), null);
        List<Runbook> out = new ArrayList<>();
        for (YamlMap raw : doc.mapList("runbooks")) {
            String id = raw.optionalString("id").orElse("?");
            out.add(parseRunbook(raw.describedAs("runbook '" + id + "'"), subsystem, knownPatterns));
        }
        if (out.isEmpty()) {
            throw doc.error("runbooks", "'runbooks' is empty");
        }
        return out;
    }

    private static Runbook parseRunbook(YamlMap r, String subsystem, Set<String> knownPatterns) throws YamlException {
        r.checkKeys(RUNBOOK_KEYS, REQUIRED);
        String id = r.string("id");
        if (!ID.matcher(id).matches()) {
            throw r.error("id", "id '" + id + "' must be lower-case letters, digits and '-', 2 to 48 characters");
        }
        String title = r.string("title");
        List<String> patterns = r.stringList("patterns");
        if (patterns.isEmpty()) {
            throw r.error("patterns", "'patterns' must name at least one pattern");
        }
        for (String p : patterns) {
            if (!knownPatterns.contains(p)) {
                throw r.error("patterns", "unknown pattern '" + p + "' (known: " + String.join(", ", knownPatterns) + ")");
            }
        }
        if (new HashSet<>(patterns).size() != patterns.size()) {
            throw r.error("patterns", "'patterns' lists a pattern twice");
        }

        List<ParameterSpec> parameters = parameters(r);
        Map<String, ParameterType> types = new HashMap<>();
        parameters.forEach(p -> types.put(p.name(), p.type()));
        Set<String> names = types.keySet();
        Set<String> used = new LinkedHashSet<>();

        boolean sudo = r.bool("sudo", true);

        List<String> precondition = argv(r, "precondition", StabilisationCommands.Use.PRECONDITION, types);
        placeholders(r, "precondition", precondition, names, Set.of(), false, used);
        List<String> confirm = List.of();
        String confirmEquals = r.optionalString("confirmEquals").orElse(null);
        if (r.has("confirm") != (confirmEquals != null)) {
            throw r.error("'confirm' (a reading command) and 'confirmEquals' (what it must print) go together");
        }
        if (confirmEquals != null) {
            confirm = argv(r, "confirm", StabilisationCommands.Use.CAPTURE, types);
            placeholders(r, "confirm", confirm, names, Set.of(), false, used);
            checkKeys(r, "confirmEquals", confirmEquals, names, Set.of(), false, used);
        }

        // capture, restores, extract, convert
        Optional<Runbook.Capture> capture = capture(r, types, used);
        Set<String> restored = capture.map(c -> Set.copyOf(c.restores())).orElse(Set.of());

        List<String> command = argv(r, "command", StabilisationCommands.Use.COMMAND, types);
        Set<String> commandUses = new LinkedHashSet<>();
        placeholders(r, "command", command, names, Set.of(), false, commandUses);
        String input = input(r, "input", command, names, commandUses);
        used.addAll(commandUses);
        for (String name : restored) {
            if (!commandUses.contains(name)) {
                throw r.error("restores", "'" + name + "' is restored by the rollback but the command never sets it");
            }
        }

        List<String> rollback = List.of();
        String rollbackInput = null;
        String irreversible = r.optionalString("irreversible").orElse(null);
        if (r.has("rollback") == (irreversible != null)) {
            throw r.error("a runbook needs exactly one of 'rollback' (how to undo it) or 'irreversible' (why it cannot be"
                    + " undone)");
        }
        if (irreversible != null) {
            for (String key : List.of("capture", "restores", "extract", "convert", "rollbackInput")) {
                if (r.has(key)) {
                    throw r.keyError(key, "'" + key + "' makes no sense for an irreversible runbook");
                }
            }
        } else {
            if (capture.isEmpty()) {
                throw r.error("a runbook with a rollback must capture the value it restores first ('capture' and"
                        + " 'restores')");
            }
            rollback = argv(r, "rollback", StabilisationCommands.Use.ROLLBACK, types);
            Set<String> rollbackUses = new LinkedHashSet<>();
            placeholders(r, "rollback", rollback, names, restored, true, rollbackUses);
            rollbackInput = input(r, "rollbackInput", rollback, names, restored, rollbackUses);
            List<String> restores = capture.get().restores();
            for (String name : restores) {
                boolean bare = restores.size() == 1 && rollbackUses.contains(Templates.PREVIOUS);
                if (!bare && !rollbackUses.contains(Templates.PREVIOUS + "." + name)) {
                    throw r.error("rollback", "the rollback must restore '" + name + "' with "
                            + (restores.size() == 1 ? "{previous}" : "{previous." + name + "}"));
                }
            }
        }
        for (String name : names) {
            if (!used.contains(name)) {
                throw r.error("parameters", "parameter '" + name + "' is declared but never used");
            }
        }

        String persistence = r.string("persistence");
        for (String key : Templates.textKeys(persistence)) {
            if (!names.contains(key)) {
                throw r.error("persistence", "{" + key + "} is not a parameter of this runbook");
            }
        }
        Risk risk = Risk.valueOf(r.choice("risk", List.of("low", "medium", "high"), null).toUpperCase(java.util.Locale.ROOT));
        String production = r.string("production");
        List<String> dependencies = r.stringList("dependencies");
        List<Expectation> expect = expectations(r, patterns);
        int settle = r.integer("settle", 0, 3600, 30);
        int approvals = r.integer("approvals", 1, 5, 1);
        return new Runbook(id, title, subsystem, patterns, parameters, sudo, precondition, confirm, confirmEquals, capture, command, input,
                rollback, rollbackInput, irreversible, persistence, risk, production, dependencies, expect, settle,
                approvals, r.source() + ":" + r.line());
    }

    private static List<ParameterSpec> parameters(YamlMap r) throws YamlException {
        Optional<YamlMap> map = r.optionalMap("parameters");
        List<ParameterSpec> out = new ArrayList<>();
        if (map.isEmpty()) {
            return out;
        }
        YamlMap params = map.get();
        for (String name : params.keys()) {
            if (!PARAMETER_NAME.matcher(name).matches() || name.equals(Templates.PREVIOUS)) {
                throw params.keyError(name, "parameter name '" + name + "' must be lower-case letters, digits and '_'"
                        + " (and not 'previous')");
            }
            YamlMap p = params.optionalMap(name).orElseThrow().describedAs("parameter '" + name + "'");
            p.checkKeys(PARAMETER_KEYS, List.of("type", "description"));
            String typeName = p.string("type");
            ParameterType type = ParameterType.byName(typeName).orElseThrow(() -> p.error("type",
                    "unknown parameter type '" + typeName + "' (known: " + String.join(", ", ParameterType.names()) + ")"));
            Long min = optionalLong(p, "min");
            Long max = optionalLong(p, "max");
            if ((min != null || max != null) && !type.takesRange()) {
                throw p.keyError(min != null ? "min" : "max", "type " + typeName + " takes no min/max (only integer, size"
                        + " and percent do)");
            }
            if (type.needsRange() && (min == null || max == null)) {
                throw p.error("an integer parameter needs both 'min' and 'max'");
            }
            if (min != null && max != null && min > max) {
                throw p.error("min", "'min' " + min + " is above 'max' " + max);
            }
            List<String> values = p.stringList("values");
            if (type == ParameterType.ENUM) {
                if (values.isEmpty()) {
                    throw p.error("an enum parameter needs 'values'");
                }
                for (String v : values) {
                    if (!ParameterType.WORD.matcher(v).matches()) {
                        throw p.error("values", "enum value '" + v + "' must be a plain word (letters, digits, _ . + : -,"
                                + " not starting with '-')");
                    }
                }
                if (new HashSet<>(values).size() != values.size()) {
                    throw p.error("values", "'values' lists a value twice");
                }
            } else if (p.has("values")) {
                throw p.keyError("values", "'values' is only for type enum");
            }
            Pattern pattern = null;
            if (type == ParameterType.STRING) {
                String regex = p.optionalString("pattern").orElseThrow(() -> p.error("a string parameter needs a 'pattern'"));
                try {
                    pattern = Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw p.error("pattern", "'pattern' is not a valid regular expression: " + e.getDescription());
                }
            } else if (p.has("pattern")) {
                throw p.keyError("pattern", "'pattern' is only for type string");
            }
            ParameterSpec spec = new ParameterSpec(name, type, p.string("description"), null, min, max, values, pattern);
            Optional<String> def = p.optionalString("default");
            if (def.isPresent()) {
                try {
                    spec = new ParameterSpec(name, type, spec.description(), spec.validate(def.get()), min, max, values, pattern);
                } catch (InvalidParametersException e) {
                    throw p.error("default", "default is outside the parameter's constraints: " + e.getMessage());
                }
            }
            out.add(spec);
        }
        return out;
    }

    private static Long optionalLong(YamlMap p, String key) throws YamlException {
        Optional<String> raw = p.optionalString(key);
        if (raw.isEmpty()) {
            return null;
        }
        if (!LONG.matcher(raw.get().trim()).matches()) {
            throw p.error(key, "'" + key + "' must be a whole number, got '" + raw.get() + "'");
        }
        try {
            return Long.parseLong(raw.get().trim());
        } catch (NumberFormatException e) {
            throw p.error(key, "'" + key + "' is out of range: " + raw.get());
        }
    }

    private static List<String> argv(YamlMap r, String key, StabilisationCommands.Use use, Map<String, ParameterType> types)
            throws YamlException {
        List<String> argv = r.stringList(key);
        if (argv.isEmpty()) {
            throw r.error(key, "'" + key + "' is an empty command");
        }
        if (argv.get(0).contains("{") || argv.get(0).contains("/")) {
            throw r.error(key, "the program '" + argv.get(0) + "' must be a literal name from the allow-list, not a path"
                    + " or a placeholder");
        }
        String problem;
        try {
            problem = StabilisationCommands.problemWith(argv, use, types::get);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            throw r.error(key, problem);
        }
        return argv;
    }

    /**
     * Checks the placeholders of {@code argv}: parameters only, or also previous values in a rollback (which
     * may not use the new value of what it restores); adds the names used to {@code used}.
     */
    private static void placeholders(YamlMap r, String key, List<String> argv, Set<String> names, Set<String> restored,
            boolean rollback, Set<String> used) throws YamlException {
        for (String element : argv) {
            checkKeys(r, key, element, names, restored, rollback, used);
        }
    }

    private static void checkKeys(YamlMap r, String key, String template, Set<String> names, Set<String> restored,
            boolean rollback, Set<String> used) throws YamlException {
        List<String> keys;
        try {
            keys = Templates.keys(template);
        } catch (IllegalArgumentException e) {
            throw r.error(key, e.getMessage());
        }
        for (String k : keys) {
            if (k.equals(Templates.PREVIOUS) || k.startsWith(Templates.PREVIOUS + ".")) {
                if (!rollback) {
                    throw r.error(key, "{" + k + "} is only available in a rollback");
                }
                if (k.equals(Templates.PREVIOUS) && restored.size() != 1) {
                    throw r.error(key, "{previous} is ambiguous: the capture restores " + restored
                            + "; use {previous.NAME}");
                }
                if (k.startsWith(Templates.PREVIOUS + ".") && !restored.contains(k.substring(Templates.PREVIOUS.length() + 1))) {
                    throw r.error(key, "{" + k + "} names no parameter in 'restores' " + restored);
                }
            } else if (!names.contains(k)) {
                throw r.error(key, "{" + k + "} is not a parameter of this runbook (parameters: "
                        + (names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names))) + ")");
            } else if (rollback && restored.contains(k)) {
                throw r.error(key, "the rollback uses {" + k + "}, the new value; it must restore {previous}");
            }
            used.add(k);
        }
    }

    private static String input(YamlMap r, String key, List<String> argv, Set<String> names, Set<String> used)
            throws YamlException {
        return input(r, key, argv, names, Set.of(), used);
    }

    private static String input(YamlMap r, String key, List<String> argv, Set<String> names, Set<String> restored,
            Set<String> used) throws YamlException {
        boolean reads = StabilisationCommands.readsInput(argv.get(0));
        Optional<String> input = r.optionalString(key);
        if (reads && input.isEmpty()) {
            throw r.error("'" + argv.get(0) + "' writes what it reads on standard input: '" + key + "' must say what");
        }
        if (!reads && input.isPresent()) {
            throw r.keyError(key, "'" + key + "' is only for programs that read standard input (tee)");
        }
        if (input.isEmpty()) {
            return null;
        }
        if (input.get().length() > 512 || input.get().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw r.error(key, "'" + key + "' must be one line of at most 512 characters");
        }
        checkKeys(r, key, input.get(), names, restored, key.equals("rollbackInput"), used);
        return input.get();
    }

    private static Optional<Runbook.Capture> capture(YamlMap r, Map<String, ParameterType> types, Set<String> used)
            throws YamlException {
        if (!r.has("capture") && !r.has("restores")) {
            for (String key : List.of("extract", "convert")) {
                if (r.has(key)) {
                    throw r.keyError(key, "'" + key + "' applies to a capture; there is none");
                }
            }
            return Optional.empty();
        }
        if (!r.has("capture") || !r.has("restores")) {
            throw r.error("'capture' (how to read the old value) and 'restores' (which parameter it is) go together");
        }
        List<String> restores = r.stringList("restores");
        if (restores.isEmpty()) {
            throw r.error("restores", "'restores' is empty");
        }
        for (String name : restores) {
            if (!types.containsKey(name)) {
                throw r.error("restores", "'" + name + "' in 'restores' is not a parameter of this runbook");
            }
        }
        if (new HashSet<>(restores).size() != restores.size()) {
            throw r.error("restores", "'restores' lists a parameter twice");
        }
        List<String> argv = argv(r, "capture", StabilisationCommands.Use.CAPTURE, types);
        Set<String> captureUses = new LinkedHashSet<>();
        placeholders(r, "capture", argv, types.keySet(), Set.of(), false, captureUses);
        for (String name : restores) {
            if (captureUses.contains(name)) {
                throw r.error("capture", "the capture reads the current value; it cannot depend on the new {" + name + "}");
            }
        }
        used.addAll(captureUses);
        Pattern extract = null;
        Optional<String> regex = r.optionalString("extract");
        if (regex.isPresent()) {
            try {
                extract = Pattern.compile(regex.get());
            } catch (PatternSyntaxException e) {
                throw r.error("extract", "'extract' is not a valid regular expression: " + e.getDescription());
            }
            if (extract.matcher("").groupCount() < 1) {
                throw r.error("extract", "'extract' needs a group (...) around the value");
            }
        }
        CaptureConversion convert = null;
        Optional<String> conversion = r.optionalString("convert");
        if (conversion.isPresent()) {
            convert = CaptureConversion.byName(conversion.get()).orElseThrow(() -> r.error("convert",
                    "unknown conversion '" + conversion.get() + "' (known: " + String.join(", ", CaptureConversion.names()) + ")"));
        }
        return Optional.of(new Runbook.Capture(argv, restores, extract, convert));
    }

    private static List<Expectation> expectations(YamlMap r, List<String> patterns) throws YamlException {
        if (!r.has("expect")) {
            return List.of();
        }
        List<YamlMap> entries;
        try {
            entries = List.of(r.optionalMap("expect").orElseThrow());
        } catch (YamlException notAMapping) {
            entries = r.mapList("expect"); // its errors say what is wrong with a list
        }
        List<Expectation> out = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (YamlMap raw : entries) {
            YamlMap e = raw.describedAs("runbook expect");
            e.checkKeys(EXPECT_KEYS, List.of("metric", "direction"));
            String metricName = e.string("metric");
            VerificationMetric metric = VerificationMetric.byName(metricName).orElseThrow(() -> e.error("metric",
                    "unknown metric '" + metricName + "' (known: " + String.join(", ", VerificationMetric.names()) + ")"));
            VerificationMetric.Direction direction = VerificationMetric.Direction.valueOf(
                    e.choice("direction", List.of("down", "up"), null).toUpperCase(java.util.Locale.ROOT));
            String pattern = e.optionalString("pattern").orElse(null);
            if (pattern != null && !patterns.contains(pattern)) {
                throw e.error("pattern", "'" + pattern + "' is not one of this runbook's patterns " + patterns);
            }
            if (!covered.add(pattern == null ? "" : pattern)) {
                throw e.error(pattern == null ? "two expectations apply to every pattern; give each a 'pattern'"
                        : "two expectations for pattern '" + pattern + "'");
            }
            out.add(new Expectation(metric, direction, pattern));
        }
        return out;
    }
}
