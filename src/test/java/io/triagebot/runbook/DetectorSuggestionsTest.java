package io.triagebot.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Analyzer;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.analysis.Thresholds;
import io.triagebot.analysis.detectors.Detectors;
import io.triagebot.probe.Collector;
import io.triagebot.probe.CollectorRunFile;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.ProbeCatalogLoader;
import io.triagebot.probe.RawSnapshot;
import io.triagebot.probe.RunLimits;
import io.triagebot.snapshot.SnapshotReader;
import io.triagebot.testsupport.SyntheticHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog defines exactly the runbook ids and parameter names the detectors suggest, and every
 * suggestion the real detectors make resolves: on synthetic hosts, on the recorded fixtures, and for
 * every call site in the detector sources.
 */
class DetectorSuggestionsTest {

    /** The contract, as the detectors use it (id to parameter names). */
    static final Map<String, Set<String>> SUGGESTED = new TreeMap<>(Map.ofEntries(
            Map.entry("vm-swappiness", Set.of("value")),
            Map.entry("unit-memory-high", Set.of("unit", "cgroup", "limit")),
            Map.entry("thp-enabled", Set.of("mode")),
            Map.entry("thp-defrag", Set.of("mode")),
            Map.entry("numa-balancing", Set.of("enabled")),
            Map.entry("watermark-scale-factor", Set.of("value")),
            Map.entry("oom-score-adj", Set.of("pid", "value")),
            Map.entry("drop-caches", Set.of()),
            Map.entry("renice", Set.of("pid", "nice")),
            Map.entry("unit-cpu-quota", Set.of("unit", "cgroup", "quota")),
            Map.entry("taskset", Set.of("pid", "cpus")),
            Map.entry("io-scheduler", Set.of("device", "scheduler")),
            Map.entry("nr-requests", Set.of("device", "value")),
            Map.entry("read-ahead", Set.of("device", "kb")),
            Map.entry("ionice", Set.of("pid", "class")),
            Map.entry("somaxconn", Set.of("value")),
            Map.entry("tcp-max-syn-backlog", Set.of("value")),
            Map.entry("tcp-buffers", Set.of("rmem", "wmem")),
            Map.entry("congestion-control", Set.of("algorithm")),
            Map.entry("irq-affinity", Set.of("irq", "cpus")),
            Map.entry("rps-mask", Set.of("interface", "queue", "mask")),
            Map.entry("pid-max", Set.of("value")),
            Map.entry("file-max", Set.of("value"))));

    static RunbookCatalog catalog;

    @BeforeAll
    static void load() throws Exception {
        catalog = RunbookCatalogLoader.loadBuiltIn();
    }

    @Test
    void catalogDefinesExactlyTheSuggestedIdsAndParameterNames() {
        assertEquals(SUGGESTED.keySet(), new TreeSet<>(catalog.ids()));
        for (Map.Entry<String, Set<String>> e : SUGGESTED.entrySet()) {
            Runbook r = catalog.find(e.getKey()).orElseThrow();
            assertEquals(e.getValue(), Set.copyOf(r.parameterNames()), r.id());
        }
    }

    @Test
    void detectorSourcesCallOnlyCatalogRunbooksWithTheirParameterNames() throws IOException {
        Map<String, Set<String>> found = scanDetectorSources();
        assertEquals(SUGGESTED.keySet(), found.keySet(), "runbook ids the detector sources suggest");
        for (Map.Entry<String, Set<String>> e : found.entrySet()) {
            assertEquals(SUGGESTED.get(e.getKey()), e.getValue(), "parameters " + e.getKey() + " is called with");
        }
    }

    /** Values in the detectors' own format (see their tests), one per suggested runbook. */
    @Test
    void detectorStyleValuesResolve() throws Exception {
        Map<String, Map<String, String>> samples = new LinkedHashMap<>();
        samples.put("vm-swappiness", Map.of("value", "10"));
        samples.put("unit-memory-high", Map.of("unit", "batch.service", "cgroup", "/system.slice/batch.service", "limit", "512M"));
        samples.put("thp-enabled", Map.of("mode", "madvise"));
        samples.put("thp-defrag", Map.of("mode", "defer+madvise"));
        samples.put("numa-balancing", Map.of("enabled", "0"));
        samples.put("watermark-scale-factor", Map.of("value", "200"));
        samples.put("oom-score-adj", Map.of("pid", "777", "value", "500"));
        samples.put("drop-caches", Map.of());
        samples.put("renice", Map.of("pid", "1001", "nice", "10"));
        samples.put("unit-cpu-quota", Map.of("unit", "batch.service", "cgroup", "/system.slice/batch.service", "quota", "100%"));
        samples.put("taskset", Map.of("pid", "1001", "cpus", "0"));
        samples.put("io-scheduler", Map.of("device", "sda", "scheduler", "bfq"));
        samples.put("nr-requests", Map.of("device", "nvme0n1", "value", "512"));
        samples.put("read-ahead", Map.of("device", "vda", "kb", "128"));
        samples.put("ionice", Map.of("pid", "4242", "class", "idle"));
        samples.put("somaxconn", Map.of("value", "4096"));
        samples.put("tcp-max-syn-backlog", Map.of("value", "4096"));
        samples.put("tcp-buffers", Map.of("rmem", "4096 131072 16777216", "wmem", "4096 16384 16777216"));
        samples.put("congestion-control", Map.of("algorithm", "bbr"));
        samples.put("irq-affinity", Map.of("irq", "24", "cpus", "1-3"));
        samples.put("rps-mask", Map.of("interface", "eth0", "queue", "rx-0", "mask", "e"));
        samples.put("pid-max", Map.of("value", "65536"));
        samples.put("file-max", Map.of("value", "4932572"));
        samples.put("unit-memory-high", Map.of("unit", "system-getty\\x2dstatic.slice", "cgroup",
                "/system.slice/system-getty\\x2dstatic.slice", "limit", "461M"));
        assertEquals(SUGGESTED.keySet(), new TreeSet<>(samples.keySet()));
        for (Map.Entry<String, Map<String, String>> e : samples.entrySet()) {
            ResolvedAction a = catalog.resolve(e.getKey(), e.getValue());
            assertFalse(a.humanCommand().isBlank());
        }
        assertEquals("sysctl -w vm.swappiness=10", catalog.resolve("vm-swappiness", samples.get("vm-swappiness")).humanCommand());
    }

    @Test
    void everySuggestionOnSyntheticHostsResolves() throws Exception {
        Set<String> seen = new TreeSet<>();
        for (int cpus : List.of(2, 4, 8)) {
            AnalysisContext ctx = SyntheticHost.maxedOut(cpus).context();
            for (Detector d : Detectors.standard()) {
                for (Finding f : d.detect(ctx)) {
                    resolveAll(f, "maxedOut(" + cpus + ")", seen);
                }
            }
        }
        assertFalse(seen.isEmpty());
    }

    @Test
    void everySuggestionOnTheRecordedFixturesResolves() throws Exception {
        Path root = Path.of(System.getProperty("triagebot.projectDir", "."), "src/test/resources/fixtures");
        List<Path> runs;
        try (Stream<Path> s = Files.walk(root)) {
            runs = s.filter(p -> p.getFileName().toString().endsWith(".run")).sorted().toList();
        }
        assertFalse(runs.isEmpty(), "no fixtures under " + root);
        Set<String> seen = new TreeSet<>();
        Collector collector = new Collector(ProbeCatalogLoader.loadBuiltIn());
        Analyzer analyzer = new Analyzer(Detectors.standard(), Thresholds.builtIn());
        for (Path run : runs) {
            CollectorRunFile.Loaded loaded = CollectorRunFile.read(run);
            double window = Double.parseDouble(loaded.header().getOrDefault("window-seconds", "1"));
            Duration w = Duration.ofMillis(Math.round(window * 1000));
            RawSnapshot raw = collector.assemble(loaded.header().getOrDefault("host", "local"), loaded.run(),
                    new CollectorSettings(w, w.plusSeconds(10), RunLimits.DEFAULT_MAX_OUTPUT_BYTES));
            Report report = analyzer.analyze(SnapshotReader.read(raw));
            for (Finding f : report.findings()) {
                resolveAll(f, root.relativize(run).toString(), seen);
            }
        }
        assertFalse(seen.isEmpty(), "the fixtures suggest no runbook at all");
    }

    private static void resolveAll(Finding f, String where, Set<String> seen) {
        for (RunbookSuggestion s : f.runbooks()) {
            try {
                ResolvedAction a = catalog.resolve(s.id(), s.parameters());
                assertTrue(catalog.find(s.id()).orElseThrow().patterns().contains(f.pattern()),
                        s.id() + " is suggested for " + f.pattern() + " but does not list that pattern");
                seen.add(s.id() + " " + a.humanCommand());
            } catch (InvalidParametersException e) {
                fail(where + ": " + f.pattern() + " suggests " + s.id() + " " + s.parameters() + ": " + e.getMessage());
            }
        }
    }

    private static final Pattern CALL = Pattern.compile("\\.runbook\\(\\s*\"([a-z0-9-]+)\"");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*([,)])");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z_]*");

    /**
     * Every {@code f.runbook("id", reason, "name", value, ...)} call in the detector sources: its id and
     * the parameter names (the plain-word literals followed by a comma after the id).
     */
    static Map<String, Set<String>> scanDetectorSources() throws IOException {
        Path dir = Path.of(System.getProperty("triagebot.projectDir", "."), "src/main/java/io/triagebot/analysis/detectors");
        Map<String, Set<String>> out = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            String src = Files.readString(file);
            Matcher call = CALL.matcher(src);
            while (call.find()) {
                int end = endOfCall(src, call.start() + ".runbook".length());
                String args = src.substring(call.end(), end);
                Set<String> names = new TreeSet<>();
                Matcher lit = LITERAL.matcher(args);
                while (lit.find()) {
                    if (lit.group(2).equals(",") && NAME.matcher(lit.group(1)).matches()) {
                        names.add(lit.group(1));
                    }
                }
                Set<String> earlier = out.putIfAbsent(call.group(1), names);
                if (earlier != null && !earlier.equals(names)) {
                    fail(file.getFileName() + ": " + call.group(1) + " called with " + names + " elsewhere with " + earlier);
                }
            }
        }
        return out;
    }

    private static int endOfCall(String src, int open) {
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < src.length(); i++) {
            char c = src.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unbalanced call at " + open);
    }

    @Test
    void scannerReadsTheParameterNamesNotTheReasons() throws IOException {
        Map<String, Set<String>> found = scanDetectorSources();
        assertEquals(Set.of("pid", "class"), found.get("ionice"));
        assertEquals(Set.of("interface", "queue", "mask"), found.get("rps-mask"));
        assertEquals(new ArrayList<>(), new ArrayList<>(found.get("drop-caches")));
    }
}
