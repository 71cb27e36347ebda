package io.triagebot.deep;

import io.triagebot.yaml.CatalogDirectory;
import io.triagebot.yaml.StrictYaml;
import io.triagebot.yaml.YamlException;
import io.triagebot.yaml.YamlMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates the deep probe catalog: every {@code *.yaml} directly in a directory (the built-in
 * one is {@code commands/deep/}, which the probe catalog loader never reads: it lists only the files
 * directly in {@code commands/}).
 *
 * <p>Strict like the probe catalog, because these programs run as root on production hosts: unknown
 * keys, a file not named after its id, perf sampling outside 49 to 99 Hz, durations over 30 s, bpftrace
 * probe types other than tracepoints, software events, profile and interval timers (never kprobes or
 * uprobes), functions that read files or act ({@code system}, {@code cat}, {@code signal},
 * {@code override}), and a requirement without its "unavailable" explanation are all refused with the
 * file and line.
 */
public final class DeepCatalogLoader {

    /** Where the built-in catalog lives on the classpath (a copy of the repository's commands/deep/). */
    public static final String BUILT_IN = "commands/deep";

    /** The longest run any entry may allow: a deep probe is a look, not a recording. */
    static final int MAX_SECONDS = 30;

    private static final Set<String> KEYS = YamlMap.keySet("id", "title", "description", "tool", "output",
            "frequency", "sampling", "weight", "unit", "map", "keys", "seconds", "grace", "overhead", "privileges",
            "program", "requires", "unavailable");
    private static final List<String> REQUIRED = List.of("id", "title", "description", "tool", "output", "sampling",
            "weight", "seconds", "grace", "overhead", "privileges", "requires", "unavailable");
    private static final Set<String> SECONDS_KEYS = YamlMap.keySet("default", "max");
    private static final Set<String> REQUIRES_KEYS = YamlMap.keySet("binary", "root", "perfEventParanoid", "btf",
            "tracefs");
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,31}");
    private static final Pattern MAP = Pattern.compile("[a-z_][a-z0-9_]{0,31}");
    private static final int MAX_PROGRAM = 8 * 1024;
    /** A probe specifier's type: a word followed by ':' that does not itself follow a ':' (or '-', '@'...). */
    private static final Pattern PROBE_TYPE = Pattern.compile("(?<![\\w:@$.>-])([A-Za-z_]\\w*):(?=\\S)");
    private static final Set<String> PROBE_TYPES = Set.of("tracepoint", "software", "interval", "profile");
    private static final Pattern TRACEPOINT = Pattern.compile("tracepoint:([^:\\s,{]+):([^\\s,{]+)");
    private static final Pattern TRACEPOINT_NAME = Pattern.compile("[a-z0-9_]+");
    private static final Pattern FORBIDDEN_CALL = Pattern.compile("\\b(system|cat|signal|override)\\s*\\(");
    private static final Pattern POSITIONAL = Pattern.compile("\\$(\\d+|#)");

    private DeepCatalogLoader() {
    }

    /** Loads the catalog shipped inside the application. */
    public static DeepCatalog loadBuiltIn() throws DeepCatalogException {
        return CatalogDirectory.builtIn(BUILT_IN, "cpu.yaml", DeepCatalogLoader::load, DeepCatalogException::new);
    }

    /** Loads every {@code *.yaml} directly in {@code dir}. */
    public static DeepCatalog load(Path dir) throws DeepCatalogException {
        List<DeepProbe> probes = new ArrayList<>();
        for (CatalogDirectory.Source file : CatalogDirectory.yamlFiles(dir, "deep probe catalog",
                DeepCatalogException::new)) {
            try {
                probes.add(parse(StrictYaml.loadMap(file.file(), file.name()), file.file().getFileName().toString()));
            } catch (YamlException e) {
                throw new DeepCatalogException(e.getMessage(), e);
            }
        }
        return new DeepCatalog(probes);
    }

    static DeepProbe parse(YamlMap doc, String fileName) throws YamlException {
        doc.checkKeys(KEYS, REQUIRED);
        String id = doc.string("id");
        if (!ID.matcher(id).matches()) {
            throw doc.error("id", "id '" + id + "' must be lower-case letters, digits and '-', 2 to 32 characters");
        }
        if (!fileName.equals(id + ".yaml")) {
            throw doc.error("id", "a deep probe lives in a file named after its id: expected " + id + ".yaml");
        }
        Tool tool = Tool.valueOf(doc.choice("tool", List.of("perf", "bpftrace"), null).toUpperCase());
        OutputKind output = OutputKind.valueOf(
                doc.choice("output", List.of("stacks", "histogram", "counts"), null).toUpperCase());
        YamlMap seconds = doc.optionalMap("seconds").orElseThrow(() -> doc.error("seconds", "'seconds' must be a"
                + " mapping: {default: N, max: N}")).describedAs("seconds");
        seconds.checkKeys(SECONDS_KEYS, SECONDS_KEYS);
        int max = seconds.integer("max", 1, MAX_SECONDS, 0);
        int dflt = seconds.integer("default", 1, max, 0);
        int frequency = 0;
        String program = null;
        String map = null;
        if (tool == Tool.PERF) {
            for (String key : List.of("program", "map", "keys")) {
                if (doc.has(key)) {
                    throw doc.keyError(key, "'" + key + "' is for bpftrace probes; perf probes take 'frequency'");
                }
            }
            if (output != OutputKind.STACKS) {
                throw doc.error("output", "perf probes output stacks");
            }
            if (!doc.has("frequency")) {
                throw doc.error("a perf probe needs 'frequency' (samples per second per CPU, 49 to 99)");
            }
            // Up to 99 Hz: cheap on every host, and not in lockstep with 100 Hz timer work.
            frequency = doc.integer("frequency", 49, 99, 0);
        } else {
            if (doc.has("frequency")) {
                throw doc.keyError("frequency", "'frequency' is for perf probes; a bpftrace program sets its own"
                        + " sampling");
            }
            program = checkProgram(doc);
            map = doc.string("map");
            if (!MAP.matcher(map).matches() || !program.contains("@" + map)) {
                throw doc.error("map", "map '" + map + "' must be a bpftrace map name the program fills (@" + map + ")");
            }
        }
        List<String> keys = doc.stringList("keys");
        if ((output == OutputKind.COUNTS) == keys.isEmpty()) {
            throw doc.error(output == OutputKind.COUNTS ? "a counts probe needs 'keys' (one name per map key)"
                    : "'keys' is for counts probes only");
        }
        Requirements requirements = requirements(doc, tool, program);
        Map<Requirement, String> explanations = explanations(doc, requirements);
        return new DeepProbe(id, doc.string("title"), doc.string("description"), tool, output, frequency,
                doc.string("sampling"), doc.string("weight"), doc.optionalString("unit").orElse(null), map, keys, dflt,
                max, doc.integer("grace", 1, 30, 0), doc.string("overhead"), doc.string("privileges"), program,
                requirements, explanations, doc.source() + ":" + doc.line());
    }

    private static String checkProgram(YamlMap doc) throws YamlException {
        String program = doc.string("program");
        if (program.length() > MAX_PROGRAM) {
            throw doc.error("program", "the program is longer than " + MAX_PROGRAM + " characters");
        }
        if (program.chars().anyMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)) {
            throw doc.error("program", "the program has control characters");
        }
        String code = withoutComments(program);
        Matcher type = PROBE_TYPE.matcher(code);
        while (type.find()) {
            if (!PROBE_TYPES.contains(type.group(1))) {
                throw doc.error("program", "probe type '" + type.group(1) + ":' is not allowed: deep probes use"
                        + " only tracepoint:, software:, profile: and interval: (never kprobes or uprobes)");
            }
        }
        Matcher call = FORBIDDEN_CALL.matcher(code);
        if (call.find()) {
            throw doc.error("program", "'" + call.group(1) + "()' is not allowed in a deep probe: it only observes");
        }
        Matcher positional = POSITIONAL.matcher(code);
        while (positional.find()) {
            if (!positional.group(1).equals("1")) {
                throw doc.error("program", "'$" + positional.group(1) + "': the only parameter is $1, the seconds");
            }
        }
        if (!code.contains("interval:s:$1") || !code.contains("exit()")) {
            throw doc.error("program", "the program must end itself: interval:s:$1 { exit(); }");
        }
        return program;
    }

    private static Requirements requirements(YamlMap doc, Tool tool, String program) throws YamlException {
        YamlMap r = doc.optionalMap("requires").orElseThrow(() -> doc.error("requires", "'requires' must be a mapping"))
                .describedAs("requires");
        r.checkKeys(REQUIRES_KEYS, List.of("binary", "root"));
        String binary = r.string("binary");
        if (!binary.equals(tool.binary())) {
            throw r.error("binary", "a " + tool.binary() + " probe requires binary " + tool.binary());
        }
        boolean root = r.bool("root", false);
        if (tool == Tool.BPFTRACE && !root) {
            throw r.error("root", "bpftrace loads BPF programs: root: true");
        }
        Integer paranoid = null;
        if (r.has("perfEventParanoid")) {
            if (tool != Tool.PERF || root) {
                throw r.keyError("perfEventParanoid", "'perfEventParanoid' applies to perf probes a non-root user"
                        + " may run");
            }
            paranoid = r.integer("perfEventParanoid", -1, 4, 0);
        }
        List<String> tracepoints = new ArrayList<>();
        if (program != null) {
            Set<String> found = new LinkedHashSet<>();
            Matcher m = TRACEPOINT.matcher(withoutComments(program));
            while (m.find()) {
                if (!TRACEPOINT_NAME.matcher(m.group(1)).matches() || !TRACEPOINT_NAME.matcher(m.group(2)).matches()) {
                    throw doc.error("program", "tracepoint '" + m.group(1) + ":" + m.group(2) + "' must be named in"
                            + " full (no wildcards), so the host can be checked for it");
                }
                found.add(m.group(1) + ":" + m.group(2));
            }
            tracepoints.addAll(found);
        }
        boolean tracefs = r.bool("tracefs", false);
        if (tracefs != !tracepoints.isEmpty()) {
            throw r.error(tracepoints.isEmpty() ? "tracefs: true but the program attaches to no tracepoint"
                    : "the program attaches to tracepoints " + tracepoints + ": declare tracefs: true");
        }
        return new Requirements(binary, root, paranoid, r.bool("btf", false), tracefs, tracepoints);
    }

    private static Map<Requirement, String> explanations(YamlMap doc, Requirements req) throws YamlException {
        YamlMap u = doc.optionalMap("unavailable").orElseThrow(() -> doc.error("unavailable", "'unavailable' must be"
                + " a mapping")).describedAs("unavailable");
        Set<String> needed = new LinkedHashSet<>();
        needed.add(Requirement.BINARY.key());
        if (req.root()) {
            needed.add(Requirement.ROOT.key());
        }
        if (req.maxParanoid() != null) {
            needed.add(Requirement.PARANOID.key());
        }
        if (req.btf()) {
            needed.add(Requirement.BTF.key());
        }
        if (req.tracefs()) {
            needed.add(Requirement.TRACEFS.key());
            needed.add(Requirement.TRACEPOINT.key());
        }
        for (String key : u.keys()) {
            if (!needed.contains(key)) {
                throw u.keyError(key, "'" + key + "' explains a requirement this probe does not have (it has: "
                        + String.join(", ", needed) + ")");
            }
        }
        u.checkKeys(needed, needed);
        Map<Requirement, String> out = new EnumMap<>(Requirement.class);
        for (String key : needed) {
            out.put(Requirement.byKey(key), u.string(key));
        }
        return out;
    }

    /** The program without its // and /* *&#47; comments, for the checks (comments may say anything). */
    static String withoutComments(String program) {
        return program.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", "");
    }
}
