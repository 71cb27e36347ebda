package io.triagebot.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real collector script through /bin/sh on this machine: the target "local". */
class LocalCollectorTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryBuiltInProbeTwiceAcrossTheWindow() throws Exception {
        Collector collector = new Collector(ProbeCatalogLoader.loadBuiltIn());
        CollectorSettings settings = new CollectorSettings(Duration.ofMillis(300), Duration.ofSeconds(10),
                RunLimits.DEFAULT_MAX_OUTPUT_BYTES);
        RawSnapshot raw = collector.collect("local", new LocalScriptRunner(), settings);
        assertTrue(raw.notes().isEmpty(), raw.notes().toString());
        assertTrue(raw.windowSeconds() >= 0.28 && raw.windowSeconds() < 1.0, "window " + raw.windowSeconds());
        ProbeReading stat = raw.reading("stat").orElseThrow();
        assertTrue(stat.available(), stat.unavailableReason());
        assertEquals(2, stat.samples().size());
        assertTrue(stat.lines(1).get(0).startsWith("cpu "));
        assertTrue(raw.reading("meminfo").orElseThrow().available());
        assertEquals(1, raw.reading("meminfo").orElseThrow().samples().size(), "gauges are read once");
        assertTrue(raw.reading("tasks").orElseThrow().available());
        // A probe the kernel lacks is unavailable with a reason, not an error: /proc/lock_stat is absent on
        // production kernels.
        assertFalse(raw.reading("lock-stat").orElseThrow().available());
        assertTrue(raw.reading("lock-stat").orElseThrow().unavailableReason().contains("/proc/lock_stat"));
    }

    @Test
    void hungCommandIsKilledByItsTimeoutAndTheRestIsRead() throws Exception {
        Path fifo = fifo();
        ProbeCatalog catalog = catalog("""
                subsystem: cpu
                probes:
                  - id: stat
                    description: cpu
                    kind: counter
                    files: [/proc/stat]
                  - id: hangs
                    description: reads a pipe nobody writes
                    kind: gauge
                    command: [cat, %s]
                    timeout: 1
                  - id: loadavg
                    description: load
                    kind: gauge
                    files: [/proc/loadavg]
                """.formatted(fifo));
        long start = System.nanoTime();
        RawSnapshot raw = new Collector(catalog).collect("local", new LocalScriptRunner(),
                new CollectorSettings(Duration.ofMillis(200), Duration.ofSeconds(8), 1 << 20));
        double seconds = (System.nanoTime() - start) / 1e9;
        // Well before the 8 s deadline: the probe's own 1 s timeout ended it, not the deadline.
        assertTrue(seconds < 6, "took " + seconds + " s");
        assertTrue(raw.reading("stat").orElseThrow().available());
        assertTrue(raw.reading("loadavg").orElseThrow().available());
        String reason = raw.reading("hangs").orElseThrow().unavailableReason();
        assertNotNull(reason);
        assertTrue(reason.contains("timed out after 1 s"), reason);
    }

    @Test
    void hungReadWithoutTimeoutGivesPartialResultsByTheDeadline() throws Exception {
        Path fifo = fifo();
        ProbeCatalog catalog = catalog("""
                subsystem: cpu
                probes:
                  - id: stat
                    description: cpu
                    kind: counter
                    files: [/proc/stat]
                  - id: hangs
                    description: reads a pipe nobody writes, with no timeout of its own
                    kind: gauge
                    command: [cat, %s]
                """.formatted(fifo));
        long start = System.nanoTime();
        RawSnapshot raw = new Collector(catalog).collect("local", new LocalScriptRunner(),
                new CollectorSettings(Duration.ofMillis(200), Duration.ofSeconds(3), 1 << 20));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 2.4 && seconds < 4.5, "took " + seconds + " s");
        assertTrue(raw.notes().stream().anyMatch(n -> n.contains("deadline")), raw.notes().toString());
        assertTrue(raw.reading("hangs").orElseThrow().unavailableReason().contains("did not finish before the deadline"),
                raw.reading("hangs").orElseThrow().unavailableReason());
        // The first sample of the counter was read before the hang; the second never came.
        ProbeReading stat = raw.reading("stat").orElseThrow();
        assertEquals(1, stat.samples().size());
        assertTrue(stat.unavailableReason().contains("second sample"), stat.unavailableReason());
        assertNoProcessReads(fifo);
    }

    @Test
    void oversizedOutputIsCapped() throws Exception {
        ProbeCatalog catalog = catalog("""
                subsystem: cpu
                probes:
                  - id: stat
                    description: cpu
                    kind: counter
                    files: [/proc/stat]
                  - id: flood
                    description: fifty megabytes without a newline
                    kind: gauge
                    command: [head, -c, "50000000", /dev/zero]
                """);
        long start = System.nanoTime();
        RawSnapshot raw = new Collector(catalog).collect("local", new LocalScriptRunner(),
                new CollectorSettings(Duration.ofMillis(200), Duration.ofSeconds(10), 256 * 1024));
        assertTrue((System.nanoTime() - start) / 1e9 < 5);
        assertTrue(raw.notes().stream().anyMatch(n -> n.contains("cap")), raw.notes().toString());
        assertTrue(raw.reading("stat").orElseThrow().samples().size() >= 1);
        assertFalse(raw.reading("flood").orElseThrow().available());
    }

    private Path fifo() throws Exception {
        Path fifo = dir.resolve("never-written");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        return fifo;
    }

    private ProbeCatalog catalog(String yaml) throws Exception {
        Path catalogDir = Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(catalogDir.resolve("test.yaml"), yaml);
        return ProbeCatalogLoader.load(catalogDir);
    }

    /** Nothing the collector started may outlive it, not even a read blocked forever. */
    private static void assertNoProcessReads(Path fifo) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            boolean alive = ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
                    .map(c -> c.contains(fifo.toString())).orElse(false));
            if (!alive) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("a process reading " + fifo + " outlived the collector");
    }
}
