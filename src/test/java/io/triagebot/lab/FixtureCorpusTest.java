package io.triagebot.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.triagebot.analysis.Analyzer;
import io.triagebot.analysis.Escalation;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Thresholds;
import io.triagebot.analysis.detectors.Detectors;
import io.triagebot.probe.Collector;
import io.triagebot.probe.CollectorRunFile;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.ProbeCatalogLoader;
import io.triagebot.probe.RawSnapshot;
import io.triagebot.probe.RunLimits;
import io.triagebot.snapshot.BlockDevice;
import io.triagebot.snapshot.CgroupCpu;
import io.triagebot.snapshot.CgroupCpuLimit;
import io.triagebot.snapshot.CgroupMemory;
import io.triagebot.snapshot.Interrupts;
import io.triagebot.snapshot.KernelLogLine;
import io.triagebot.snapshot.ListenSocket;
import io.triagebot.snapshot.Psi;
import io.triagebot.snapshot.Sample;
import io.triagebot.snapshot.Snapshot;
import io.triagebot.snapshot.SnapshotReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Replays every fixture under {@code src/test/resources/fixtures} (real collector runs of conditions
 * induced by {@code lab/lab.sh}, captured by {@code lab/capture.sh}) through the real pipeline:
 * {@link CollectorRunFile#read}, {@link Collector#assemble}, {@link SnapshotReader#read},
 * {@link Analyzer#analyze} with the standard detectors and built-in thresholds.
 *
 * <p>Each fixture directory has an {@code expected.yaml}; nothing expected is hard-coded here. Two
 * kinds of assertion, kept apart so a failure says which side is wrong:
 * <ul>
 *   <li>{@code capture} checks the raw data itself (the condition really was there: pswpin and
 *       pswpout both rose, a cgroup was throttled...). They hold whatever the detectors do; a failure
 *       means the fixture or the parsers are wrong.</li>
 *   <li>{@code analysis} checks what the report says: the expected pattern is the FIRST finding, the
 *       idle host is LOW, the kernel log triggers are reported with their ages.</li>
 * </ul>
 */
class FixtureCorpusTest {

    /** Conditions the corpus must hold beyond lab.sh's own (hand-written ones, the idle baseline). */
    private static final List<String> ALSO_REQUIRED = List.of("idle", "handwritten/numa");

    /** One fixture: its directory name relative to the corpus root, its run file, its expectations. */
    record Fixture(String name, Path run, Map<String, Object> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A replayed fixture: the snapshot the parsers made of it and the report the analysis made. */
    record Replay(Fixture fixture, Map<String, String> header, Snapshot snapshot, Report report) {
    }

    static Path corpusRoot() {
        URL url = FixtureCorpusTest.class.getResource("/fixtures");
        if (url != null) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return Path.of("src", "test", "resources", "fixtures");
    }

    static List<Fixture> fixtures() {
        Path root = corpusRoot();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Fixture> out = new ArrayList<>();
            for (Path expected : walk.filter(p -> p.getFileName().toString().equals("expected.yaml")).sorted()
                    .toList()) {
                Path dir = expected.getParent();
                List<Path> runs;
                try (Stream<Path> files = Files.list(dir)) {
                    runs = files.filter(p -> p.getFileName().toString().endsWith(".run")).sorted().toList();
                }
                String name = root.relativize(dir).toString().replace('\\', '/');
                if (runs.size() != 1) {
                    throw new IllegalStateException(name + ": expected exactly one .run file, found " + runs);
                }
                out.add(new Fixture(name, runs.get(0), yaml(expected)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws IOException {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        if (!(loaded instanceof Map)) {
            throw new IllegalStateException(file + ": not a YAML mapping");
        }
        return (Map<String, Object>) loaded;
    }

    private static final Map<Path, Replay> REPLAYS = new ConcurrentHashMap<>();

    /** Replays once per fixture per run (the analysis is deterministic). */
    static Replay replay(Fixture f) throws Exception {
        Replay cached = REPLAYS.get(f.run());
        if (cached == null) {
            cached = replayUncached(f);
            REPLAYS.put(f.run(), cached);
        }
        return cached;
    }

    static Replay replayUncached(Fixture f) throws Exception {
        CollectorRunFile.Loaded loaded = CollectorRunFile.read(f.run());
        Map<String, String> header = loaded.header();
        double window = Double.parseDouble(header.getOrDefault("window-seconds", "1"));
        Duration windowDuration = Duration.ofMillis(Math.round(window * 1000));
        CollectorSettings settings = new CollectorSettings(windowDuration, windowDuration.plusSeconds(10),
                RunLimits.DEFAULT_MAX_OUTPUT_BYTES);
        Collector collector = new Collector(ProbeCatalogLoader.loadBuiltIn());
        RawSnapshot raw = collector.assemble(header.getOrDefault("host", "local"), loaded.run(), settings);
        Snapshot snapshot = SnapshotReader.read(raw);
        Report report = new Analyzer(Detectors.standard(), Thresholds.builtIn()).analyze(snapshot);
        return new Replay(f, header, snapshot, report);
    }

    // -------------------------------------------------------------------------------------------------
    // The corpus as a whole
    // -------------------------------------------------------------------------------------------------

    @Test
    void corpusCoversEveryLabConditionAndTheBaseline() throws IOException {
        Path labScript = Path.of("lab", "lab.sh");
        Assumptions.assumeTrue(Files.isRegularFile(labScript), "run from the project directory to check coverage");
        Matcher m = Pattern.compile("(?m)^readonly CONDITIONS=\\(([^)]*)\\)").matcher(Files.readString(labScript));
        assertTrue(m.find(), "lab.sh has no CONDITIONS=(...) line");
        Set<String> required = new TreeSet<>(List.of(m.group(1).trim().split("\\s+")));
        required.addAll(ALSO_REQUIRED);
        Set<String> present = fixtures().stream().map(Fixture::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(present);
        assertTrue(missing.isEmpty(), "fixtures missing for " + missing + " (run sudo lab/capture.sh); present: "
                + present);
    }

    @Test
    void everyFixtureSaysWhereItCameFrom() throws IOException {
        List<Fixture> all = fixtures();
        assertFalse(all.isEmpty(), "no fixtures under " + corpusRoot());
        for (Fixture f : all) {
            Map<String, String> h = CollectorRunFile.read(f.run()).header();
            assertEquals(String.valueOf(f.expected().get("condition")), h.get("condition"), f + ": condition header");
            assertNotNull(h.get("captured-on"), f + ": captured-on header");
            boolean handwritten = "true".equals(h.get("handwritten"));
            assertEquals(f.name().startsWith("handwritten/"), handwritten,
                    f + ": hand-written fixtures live under handwritten/ and say '# handwritten: true'");
            if (handwritten) {
                assertNotNull(h.get("why"), f + ": a hand-written fixture says why");
                assertNotNull(h.get("edits"), f + ": a hand-written fixture lists its edits");
            } else {
                assertNotNull(h.get("how"), f + ": a captured fixture says how the condition was made");
            }
            long size = Files.size(f.run());
            assertTrue(size < 2L * 1024 * 1024, f + ": " + size + " bytes; fixtures stay under 2 MiB");
        }
    }

    // -------------------------------------------------------------------------------------------------
    // Capture checks: the raw data shows the condition, whatever the detectors say
    // -------------------------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicNode> captureShowsTheCondition() {
        return fixtures().stream().map(f -> {
            List<DynamicTest> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest("two complete samples", () -> {
                Replay r = replay(f);
                assertTrue(r.snapshot().hasSecondSample(), f + ": no second sample; notes " + r.report().notes());
                assertTrue(r.snapshot().notes().isEmpty(), f + ": collection notes " + r.snapshot().notes());
            }));
            Map<String, Object> checks = map(f.expected().get("capture"));
            for (Map.Entry<String, Object> check : checks.entrySet()) {
                tests.add(DynamicTest.dynamicTest(check.getKey() + " " + check.getValue(),
                        () -> captureCheck(replay(f), check.getKey(), check.getValue())));
            }
            return DynamicContainer.dynamicContainer(f.name(), tests);
        });
    }

    private static void captureCheck(Replay r, String check, Object arg) {
        Snapshot s = r.snapshot();
        String f = r.fixture().name();
        switch (check) {
            case "no-recent-escalations" -> {
                List<Escalation> recent = r.report().escalations().stream().filter(Escalation::recent).toList();
                assertTrue(recent.isEmpty(), f + ": recent kernel log escalations in a baseline: " + recent);
            }
            case "min-cpu-busy-percent" -> {
                long total = s.second().stat().total().total() - s.first().stat().total().total();
                long busy = s.second().stat().total().busy() - s.first().stat().total().busy();
                double percent = 100.0 * busy / total;
                assertTrue(percent >= number(arg), f + ": CPU " + percent + "% busy, expected >= " + arg);
            }
            case "min-rate" -> map(arg).forEach((key, min) -> {
                double rate = delta(s, key) / s.windowSeconds();
                assertTrue(rate >= number(min), f + ": " + key + " " + Math.round(rate) + "/s, expected >= " + min);
            });
            case "rose" -> {
                for (Object key : list(arg)) {
                    long d = delta(s, key.toString());
                    assertTrue(d > 0, f + ": " + key + " did not rise between the samples (delta " + d + ")");
                }
            }
            case "cgroup-memory-limited" -> {
                CgroupMemory m = s.second().cgroupMemory().stream().filter(c -> c.path().equals(arg)).findFirst()
                        .orElseThrow(() -> new AssertionError(f + ": no memory cgroup " + arg + " in "
                                + s.second().cgroupMemory().stream().map(CgroupMemory::path).toList()));
                assertTrue(m.limitBytes() > 0, f + ": " + arg + " has no memory limit: " + m);
                assertTrue(m.swapBytes() > 0, f + ": " + arg + " has nothing in swap: " + m);
            }
            case "cgroup-cpu-limit" -> map(arg).forEach((path, cpus) -> {
                CgroupCpuLimit l = s.gauges().cgroupCpuLimits().stream().filter(c -> c.path().equals(path))
                        .findFirst().orElseThrow(() -> new AssertionError(f + ": no CPU limit for " + path));
                assertEquals(number(cpus), l.cpus(), 1e-9, f + ": " + l);
            });
            case "listening-port" -> {
                List<ListenSocket> sockets = s.gauges().listenSockets();
                assertTrue(sockets.stream().anyMatch(l -> l.port() == (int) number(arg)),
                        f + ": nothing listening on " + arg + " in " + sockets);
            }
            case "kernel-log-contains" -> {
                List<KernelLogLine> log = s.gauges().kernelLog();
                assertTrue(log.stream().anyMatch(l -> l.text().contains(arg.toString())),
                        f + ": no kernel log line contains '" + arg + "' (" + log.size() + " lines)");
            }
            case "min-threads-on-futex-wchan-of-one-process" -> {
                for (Sample sample : List.of(s.first(), s.second())) {
                    Map<Integer, Long> perProcess = sample.threads().stream()
                            .filter(t -> t.wchan() != null && t.wchan().startsWith("futex"))
                            .collect(Collectors.groupingBy(t -> t.stat().pid(), Collectors.counting()));
                    long most = perProcess.values().stream().mapToLong(Long::longValue).max().orElse(0);
                    assertTrue(most >= number(arg), f + ": at most " + most + " threads of one process on a futex "
                            + "wchan in sample " + sample.uptimeSeconds() + ", expected >= " + arg);
                }
            }
            default -> fail(f + ": unknown capture check '" + check + "' in expected.yaml");
        }
    }

    /**
     * The change of one counter between the samples. Keys: stat.ctxt, stat.intr, vmstat.NAME,
     * snmp.GROUP.FIELD, netstat.GROUP.FIELD, psi.RESOURCE.some|full (microseconds), interrupts.SOURCE
     * (all CPUs), disk.DEV.writes|reads, numastat.NODE.NAME, cgroup.throttled_periods:PATH,
     * cgroup.oom_kills:PATH.
     */
    static long delta(Snapshot s, String key) {
        return value(s.second(), key) - value(s.first(), key);
    }

    private static long value(Sample sample, String key) {
        String[] k = key.split("\\.", 3);
        switch (k[0]) {
            case "stat" -> {
                return switch (k[1]) {
                    case "ctxt" -> sample.stat().contextSwitches();
                    case "intr" -> sample.stat().interrupts();
                    case "softirq" -> sample.stat().softirqs();
                    default -> throw new IllegalArgumentException("unknown key " + key);
                };
            }
            case "vmstat" -> {
                return present(key, sample.vmstat().get(k[1]));
            }
            case "snmp" -> {
                return present(key, sample.snmp().getOrDefault(k[1], Map.of()).get(k[2]));
            }
            case "netstat" -> {
                return present(key, sample.netstat().getOrDefault(k[1], Map.of()).get(k[2]));
            }
            case "psi" -> {
                Psi psi = switch (k[1]) {
                    case "cpu" -> sample.cpuPressure();
                    case "memory" -> sample.memoryPressure();
                    case "io" -> sample.ioPressure();
                    default -> throw new IllegalArgumentException("unknown key " + key);
                };
                Psi.Line line = psi == null ? null : k[2].equals("full") ? psi.full() : psi.some();
                if (line == null) {
                    throw new AssertionError("no " + key + " in the sample");
                }
                return line.totalMicros();
            }
            case "interrupts" -> {
                Interrupts.Source source = sample.interrupts().sources().stream()
                        .filter(src -> src.id().equals(k[1])).findFirst()
                        .orElseThrow(() -> new AssertionError("no interrupt source " + k[1]));
                return source.total();
            }
            case "disk" -> {
                BlockDevice d = sample.disks().stream().filter(b -> b.name().equals(k[1])).findFirst()
                        .orElseThrow(() -> new AssertionError("no block device " + k[1]));
                return k[2].equals("writes") ? d.writes() : d.reads();
            }
            case "numastat" -> {
                Map<String, Long> node = sample.numastat().get(Integer.parseInt(k[1]));
                return present(key, node == null ? null : node.get(k[2]));
            }
            case "cgroup" -> {
                String[] what = key.substring("cgroup.".length()).split(":", 2);
                return switch (what[0]) {
                    case "throttled_periods" -> cgroupValue(sample.cgroupCpu(), what[1], CgroupCpu::path,
                            CgroupCpu::throttledPeriods);
                    case "oom_kills" -> cgroupValue(sample.cgroupMemory(), what[1], CgroupMemory::path,
                            CgroupMemory::oomKills);
                    default -> throw new IllegalArgumentException("unknown key " + key);
                };
            }
            default -> throw new IllegalArgumentException("unknown key " + key);
        }
    }

    private static <T> long cgroupValue(List<T> groups, String path, java.util.function.Function<T, String> pathOf,
            ToLongFunction<T> valueOf) {
        return groups.stream().filter(g -> pathOf.apply(g).equals(path)).mapToLong(valueOf).findFirst()
                .orElseThrow(() -> new AssertionError("no cgroup " + path + " in "
                        + groups.stream().map(pathOf).toList()));
    }

    private static long present(String key, Long v) {
        if (v == null) {
            throw new AssertionError("no " + key + " in the sample");
        }
        return v;
    }

    // -------------------------------------------------------------------------------------------------
    // Analysis checks: the report names the condition (fails until the detectors exist)
    // -------------------------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicNode> reportNamesTheCondition() {
        return fixtures().stream().map(f -> {
            List<DynamicTest> tests = new ArrayList<>();
            Map<String, Object> e = f.expected();
            if (e.containsKey("first-pattern")) {
                tests.add(DynamicTest.dynamicTest("first finding is " + e.get("first-pattern"), () -> {
                    Report r = replay(f).report();
                    assertFalse(r.findings().isEmpty(), f + ": no finding at all; " + summary(r));
                    assertEquals(e.get("first-pattern"), r.findings().get(0).pattern(), f + ": " + summary(r));
                }));
            }
            if (e.containsKey("other-kernel-warning")) {
                tests.add(DynamicTest.dynamicTest("other kernel warning " + e.get("other-kernel-warning"), () -> {
                    Report r = replay(f).report();
                    String template = e.get("other-kernel-warning").toString();
                    assertTrue(r.kernelWarnings().shown().stream()
                            .anyMatch(w -> w.template().contains(template) && w.count() >= 2),
                            f + ": no repeated warning '" + template + "' in " + r.kernelWarnings());
                    assertTrue(r.severity().atLeast(Severity.MEDIUM), f + ": " + summary(r));
                }));
            }
            if (e.containsKey("in-first-three")) {
                // For conditions on a shared machine whose other load may rank first: the cause must still
                // be among the first three findings.
                tests.add(DynamicTest.dynamicTest("first three findings include " + e.get("in-first-three"), () -> {
                    Report r = replay(f).report();
                    List<String> top = r.findings().stream().limit(3).map(Finding::pattern).toList();
                    assertTrue(top.contains(e.get("in-first-three")), f + ": " + summary(r));
                }));
            }
            if (e.containsKey("absent-patterns")) {
                tests.add(DynamicTest.dynamicTest("no finding of " + e.get("absent-patterns"), () -> {
                    Report r = replay(f).report();
                    for (Object p : list(e.get("absent-patterns"))) {
                        assertTrue(r.findings().stream().noneMatch(x -> x.pattern().equals(p)),
                                f + ": " + p + " claimed without its evidence; " + summary(r));
                    }
                }));
            }
            if (e.containsKey("names-port")) {
                tests.add(DynamicTest.dynamicTest("first finding names port " + e.get("names-port"), () -> {
                    Report r = replay(f).report();
                    assertFalse(r.findings().isEmpty(), f + ": no finding at all; " + summary(r));
                    Finding first = r.findings().get(0);
                    String port = String.valueOf(e.get("names-port"));
                    assertTrue(first.title().contains(port) || String.valueOf(first.culprit()).contains(port),
                            f + ": port " + port + " in neither title nor culprit of " + describe(first));
                }));
            }
            if (e.containsKey("severity")) {
                tests.add(DynamicTest.dynamicTest("severity " + e.get("severity"), () -> {
                    Report r = replay(f).report();
                    assertEquals(Severity.valueOf(e.get("severity").toString()), r.severity(), f + ": " + summary(r));
                }));
            }
            if (Boolean.TRUE.equals(e.get("no-high-findings"))) {
                tests.add(DynamicTest.dynamicTest("no HIGH or CRITICAL finding", () -> {
                    Report r = replay(f).report();
                    List<Finding> high = r.findings().stream().filter(x -> x.severity().atLeast(Severity.HIGH))
                            .toList();
                    assertTrue(high.isEmpty(), f + ": " + summary(r));
                }));
            }
            if (e.containsKey("escalations")) {
                tests.add(DynamicTest.dynamicTest("escalations " + e.get("escalations"), () -> {
                    Report r = replay(f).report();
                    Map<String, Escalation> byTrigger = new LinkedHashMap<>();
                    r.escalations().forEach(x -> byTrigger.put(x.trigger(), x));
                    for (Object trigger : list(e.get("escalations"))) {
                        Escalation x = byTrigger.get(trigger.toString());
                        assertNotNull(x, f + ": no " + trigger + " escalation; got " + byTrigger.keySet());
                        assertFalse(Double.isNaN(x.ageSeconds()), f + ": " + trigger + " has no age: " + x);
                        assertTrue(x.ageSeconds() >= 0 && x.recent(), f + ": " + trigger + " not recent: " + x);
                    }
                }));
            }
            return DynamicContainer.dynamicContainer(f.name(), tests);
        });
    }

    static String summary(Report r) {
        return "severity " + r.severity() + ", findings " + r.findings().stream().map(FixtureCorpusTest::describe)
                .toList() + ", escalations " + r.escalations().stream()
                        .map(x -> x.trigger() + (x.recent() ? "" : " (old)")).toList() + ", notes " + r.notes();
    }

    static String describe(Finding f) {
        return f.pattern() + " " + f.severity() + " " + f.status() + " '" + f.title() + "'"
                + (f.culprit() == null ? "" : " culprit " + f.culprit());
    }

    // -------------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    private static List<Object> list(Object o) {
        if (o instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        return o == null ? List.of() : List.of(o);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.parseDouble(o.toString());
    }
}
