package io.triagebot.probe;

import io.triagebot.yaml.CatalogDirectory;
import io.triagebot.yaml.StrictYaml;
import io.triagebot.yaml.YamlException;
import io.triagebot.yaml.YamlMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates the probe catalog: every {@code *.yaml} file of a directory, in name order.
 *
 * <p>Validation is strict because the catalog decides what runs on production hosts: unknown keys,
 * duplicate ids, missing fields, file paths outside /proc and /sys, and commands that are not known to be
 * read-only ({@link ReadOnlyCommands}) are all refused with the file and line.
 */
public final class ProbeCatalogLoader {

    /** Where the built-in catalog lives on the classpath (a copy of the repository's commands/). */
    public static final String BUILT_IN = "commands";

    static final Set<String> SUBSYSTEMS = YamlMap.keySet(
            "system", "cpu", "memory", "io", "network", "scheduler", "kernel-log", "cgroups", "processes");

    private static final Set<String> FILE_KEYS = YamlMap.keySet("subsystem", "probes");
    private static final Set<String> PROBE_KEYS = YamlMap.keySet(
            "id", "description", "kind", "files", "command", "fallbacks", "timeout", "maxLines", "keep", "okExitCodes",
            "requires");
    private static final Set<String> REQUIRES_KEYS = YamlMap.keySet("root", "kernel", "feature");

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,47}");
    private static final Pattern KERNEL_FILE = Pattern.compile("/(proc|sys)/[A-Za-z0-9/_.,:+*?\\[\\]-]+");
    private static final Pattern TREE_GLOB = Pattern.compile("/[A-Za-z0-9/_.,:+-]+/\\*\\*/[A-Za-z0-9_.,:+*?\\[\\]-]+");
    private static final Pattern GLOB_ARG = Pattern.compile("/[A-Za-z0-9/_.,:+*?\\[\\]-]+");
    private static final Pattern KERNEL_VERSION = Pattern.compile("\\d+\\.\\d+");

    private ProbeCatalogLoader() {
    }

    /** Loads the catalog shipped inside the application. */
    public static ProbeCatalog loadBuiltIn() throws CatalogException {
        return CatalogDirectory.builtIn(BUILT_IN, "cpu.yaml", ProbeCatalogLoader::load, CatalogException::new);
    }

    /** Loads every {@code *.yaml} in {@code dir}. */
    public static ProbeCatalog load(Path dir) throws CatalogException {
        List<CatalogDirectory.Source> files = CatalogDirectory.yamlFiles(dir, "probe catalog", CatalogException::new);
        List<ProbeDefinition> probes = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (CatalogDirectory.Source entry : files) {
            Path file = entry.file();
            String source = entry.name();
            try {
                for (ProbeDefinition p : parseFile(StrictYaml.loadMap(file, source))) {
                    String earlier = seen.putIfAbsent(p.id(), p.source());
                    if (earlier != null) {
                        throw new CatalogException(p.source() + ": duplicate probe id '" + p.id()
                                + "' (first declared at " + earlier + ")");
                    }
                    probes.add(p);
                }
            } catch (YamlException e) {
                throw new CatalogException(e.getMessage(), e);
            }
        }
        return new ProbeCatalog(probes);
    }

    static List<ProbeDefinition> parseFile(YamlMap doc) throws YamlException {
        doc.checkKeys(FILE_KEYS, FILE_KEYS);
        String subsystem = doc.choice("subsystem", List.copyOf(SUBSYSTEMS), null);
        List<ProbeDefinition> out = new ArrayList<>();
        for (YamlMap raw : doc.mapList("probes")) {
            String id = raw.optionalString("id").orElse("?");
            out.add(parseProbe(raw.describedAs("probe '" + id + "'"), subsystem));
        }
        if (out.isEmpty()) {
            throw doc.error("probes", "'probes' is empty");
        }
        return out;
    }

    private static ProbeDefinition parseProbe(YamlMap p, String subsystem) throws YamlException {
        p.checkKeys(PROBE_KEYS, List.of("id", "description", "kind"));
        String id = p.string("id");
        if (!ID.matcher(id).matches()) {
            throw p.error("id", "id '" + id + "' must be lower-case letters, digits and '-', 2 to 48 characters");
        }
        ProbeKind kind = ProbeKind.valueOf(p.choice("kind", List.of("counter", "gauge"), null).toUpperCase());
        List<String> files = p.stringList("files");
        List<String> command = p.stringList("command");
        if (files.isEmpty() == command.isEmpty()) {
            throw p.error("a probe needs exactly one of 'files' or 'command'");
        }
        for (String f : files) {
            if (!KERNEL_FILE.matcher(f).matches() || f.contains("/../") || f.endsWith("/..")) {
                throw p.error("files", "'" + f + "' is not a /proc or /sys path (only kernel pseudo-files are read"
                        + " in the batch; anything else needs a command probe with a timeout)");
            }
            if (f.contains("**") && !TREE_GLOB.matcher(f).matches()) {
                throw p.error("files", "'" + f + "': '**' is only allowed as ROOT/**/NAME, with no other glob in ROOT"
                        + " and no '/' in NAME");
            }
        }
        List<List<String>> commands = new ArrayList<>();
        if (!command.isEmpty()) {
            commands.add(checkCommand(p, "command", command));
            for (List<String> fallback : p.stringListList("fallbacks")) {
                commands.add(checkCommand(p, "fallbacks", fallback));
            }
        } else if (p.has("fallbacks") || p.has("timeout") || p.has("keep") || p.has("okExitCodes")) {
            throw p.error("'fallbacks', 'timeout', 'keep' and 'okExitCodes' apply to command probes only");
        }
        List<Integer> okExitCodes = new ArrayList<>();
        for (String code : p.stringList("okExitCodes")) {
            try {
                int c = Integer.parseInt(code);
                if (c < 0 || c > 125) {
                    throw new NumberFormatException();
                }
                okExitCodes.add(c);
            } catch (NumberFormatException e) {
                throw p.error("okExitCodes", "exit codes must be whole numbers from 0 to 125, got '" + code + "'");
            }
        }
        if (okExitCodes.isEmpty()) {
            okExitCodes.add(0);
        }
        ProbeRequirements requires = ProbeRequirements.NONE;
        if (p.optionalMap("requires").isPresent()) {
            YamlMap r = p.optionalMap("requires").get().describedAs("probe '" + id + "' requires");
            r.checkKeys(REQUIRES_KEYS, List.of());
            String kernel = r.optionalString("kernel").orElse(null);
            if (kernel != null && !KERNEL_VERSION.matcher(kernel).matches()) {
                throw r.error("kernel", "kernel must look like 4.20, got '" + kernel + "'");
            }
            requires = new ProbeRequirements(r.bool("root", false), kernel, r.optionalString("feature").orElse(null));
        }
        return new ProbeDefinition(id, subsystem, p.string("description"), kind, files, commands,
                p.integer("timeout", 1, 30, 0), p.integer("maxLines", 1, 200_000, 20_000),
                "tail".equals(p.choice("keep", List.of("head", "tail"), "head")), okExitCodes, requires,
                p.source() + ":" + p.line());
    }

    private static List<String> checkCommand(YamlMap p, String key, List<String> argv) throws YamlException {
        if (argv.isEmpty()) {
            throw p.error(key, "'" + key + "' is an empty command");
        }
        String problem = ReadOnlyCommands.problemWith(argv);
        if (problem != null) {
            throw p.error(key, problem);
        }
        for (String arg : argv) {
            if (arg.isEmpty() || arg.length() > 512 || arg.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw p.error(key, "command argument '" + arg + "' is empty, too long or has control characters");
            }
            if (CollectorScript.isGlob(arg) && !GLOB_ARG.matcher(arg).matches()) {
                throw p.error(key, "glob argument '" + arg + "' may only use letters, digits and / _ . , : + - * ? [ ]");
            }
        }
        return argv;
    }
}
