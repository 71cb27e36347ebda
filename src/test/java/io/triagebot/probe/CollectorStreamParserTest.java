package io.triagebot.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream parser's bounds, applied while reading: floods, binary, endless lines, tails. */
class CollectorStreamParserTest {

    private static final String N = "@@TBtest";

    @TempDir
    Path dir;

    @Test
    void aFloodingCommandKeepsItsFirstLinesAndTheRestOfTheStreamStillCounts() throws Exception {
        ProbeCatalog catalog = catalog(5, false);
        Stream s = new Stream().marker("H 1").marker("S 1").marker("F").text("==> /proc/loadavg <==\n1 2 3 1/2 3\n")
                .marker("f 0").marker("C flood");
        for (int i = 0; i < 200_000; i++) {
            s.text("a\n");
        }
        s.marker("R flood 0").marker("C after").text("after-line\n").marker("R after 0").marker("Z");
        CollectorOutput out = parse(s.bytes(), catalog, 7);

        CollectorOutput.Sample sample = out.sample(1);
        assertEquals(List.of("a", "a", "a", "a", "a"), sample.attempts().get(0).lines());
        assertEquals(List.of("after-line"), sample.attempts().get(1).lines());
        assertEquals(List.of("1 2 3 1/2 3"), sample.files().get("/proc/loadavg").lines());
        assertTrue(out.finished());
        assertTrue(out.cuts().stream().anyMatch(c -> c.startsWith("flood: output cut: 199,995 lines")
                && c.contains("past its 5-line bound")), out.cuts().toString());
    }

    @Test
    void theSameStreamParsesAlikeWhateverItsChunks() throws Exception {
        ProbeCatalog catalog = catalog(3, false);
        byte[] bytes = new Stream().marker("S 1").marker("C flood").text("x\ny\n" + "z".repeat(40_000) + "\nw\n")
                .marker("R flood 0").marker("Z").bytes();
        CollectorOutput whole = parse(bytes, catalog, bytes.length);
        CollectorOutput bytewise = parse(bytes, catalog, 1);
        assertEquals(whole.samples(), bytewise.samples());
        assertEquals(whole.cuts(), bytewise.cuts());
        // The 40,000-byte line is kept cut to the line bound, and said.
        String kept = whole.sample(1).attempts().get(0).lines().get(2);
        assertEquals(ParseLimits.MAX_LINE_BYTES, kept.length());
        assertTrue(whole.cuts().get(0).contains("1 line longer than 16.0 KiB shortened"), whole.cuts().toString());
    }

    @Test
    void binaryOutputIsDroppedAndSaid() throws Exception {
        ProbeCatalog catalog = catalog(1000, false);
        byte[] random = new byte[1 << 20];
        new Random(42).nextBytes(random);
        for (int i = 0; i < random.length; i += 100) {
            random[i] = 0; // a NUL in every stretch: binary by any measure
        }
        byte[] bytes = new Stream().marker("S 1").marker("C flood").raw(random).text("\n").marker("R flood 0")
                .marker("Z").bytes();
        CollectorOutput out = parse(bytes, catalog, 4096);
        assertTrue(out.sample(1).attempts().get(0).lines().stream().noneMatch(l -> l.indexOf('\0') >= 0));
        assertTrue(out.cuts().stream().anyMatch(c -> c.contains("of binary data")), out.cuts().toString());
    }

    @Test
    void anEndlessLineWithoutNewlineCostsOneLineBuffer() throws Exception {
        ProbeCatalog catalog = catalog(1000, false);
        CollectorStreamParser parser = new CollectorStreamParser(N, ParseLimits.of(catalog, 1 << 20));
        byte[] head = new Stream().marker("S 1").marker("C flood").bytes();
        parser.feed(head, 0, head.length);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        for (int i = 0; i < 4096; i++) { // 256 MiB, never a newline: the deadline would end it
            parser.feed(chunk, 0, chunk.length);
        }
        CollectorOutput out = parser.finish();
        assertEquals(List.of(), out.sample(1).attempts().get(0).lines());
        assertEquals(null, out.sample(1).attempts().get(0).exitCode());
        assertTrue(out.cuts().stream().anyMatch(c -> c.contains("line without newline (256.0 MiB)")), out.cuts().toString());
        assertEquals(256L * 1024 * 1024 + head.length, out.bytesRead());
    }

    @Test
    void aTailProbeKeepsItsLastLinesThroughAFlood() throws Exception {
        ProbeCatalog catalog = catalog(3, true);
        Stream s = new Stream().marker("S 1").marker("C flood");
        for (int i = 0; i < 100_000; i++) {
            s.text("line " + i + "\n");
        }
        CollectorOutput out = parse(s.marker("R flood 0").marker("Z").bytes(), catalog, 1000);
        assertEquals(List.of("line 99997", "line 99998", "line 99999"), out.sample(1).attempts().get(0).lines());
        assertTrue(out.cuts().get(0).contains("99,997 lines") && out.cuts().get(0).contains("before the last 3"),
                out.cuts().toString());
    }

    @Test
    void theRunsTotalBoundsEveryProbeTogether() throws Exception {
        ProbeCatalog catalog = catalog(200_000, false);
        Stream s = new Stream().marker("S 1").marker("C flood");
        for (int i = 0; i < 10_000; i++) {
            s.text("b".repeat(50) + "\n");
        }
        s.marker("R flood 0").marker("C after").text("late\n").marker("R after 0").marker("Z");
        long total = 100 * (51 + ParseLimits.LINE_OVERHEAD);
        CollectorOutput out = parse(s.bytes(), catalog, 8192, total);
        assertEquals(100, out.sample(1).attempts().get(0).lines().size());
        // Markers still count once the total is reached: the next probe is there, without its lines.
        assertEquals(0, out.sample(1).attempts().get(1).exitCode());
        assertTrue(out.cuts().stream().anyMatch(c -> c.contains("total was reached")), out.cuts().toString());
    }

    @Test
    void aFileOverItsByteBoundIsCutThere() throws Exception {
        ProbeCatalog catalog = catalog(200_000, false);
        Stream s = new Stream().marker("S 1").marker("F").text("==> /proc/loadavg <==\n");
        long bound = ParseLimits.probeBytes(20_000);
        String line = "c".repeat(1023) + "\n";
        long lines = bound / 1024 + 100;
        for (long i = 0; i < lines; i++) {
            s.text(line);
        }
        CollectorOutput out = parse(s.marker("f 0").marker("Z").bytes(), catalog, 65536);
        assertEquals(bound / 1024, out.sample(1).files().get("/proc/loadavg").lines().size());
        assertTrue(out.cuts().stream().anyMatch(c -> c.startsWith("loadavg: output cut: 100 lines")), out.cuts().toString());
    }

    private CollectorOutput parse(byte[] bytes, ProbeCatalog catalog, int chunk) {
        return parse(bytes, catalog, chunk, 16 << 20);
    }

    private CollectorOutput parse(byte[] bytes, ProbeCatalog catalog, int chunk, long total) {
        CollectorStreamParser parser = new CollectorStreamParser(N, ParseLimits.of(catalog, total));
        for (int i = 0; i < bytes.length; i += chunk) {
            parser.feed(bytes, i, Math.min(chunk, bytes.length - i));
        }
        return parser.finish();
    }

    private ProbeCatalog catalog(int floodLines, boolean tail) throws Exception {
        Path d = Files.createDirectories(dir.resolve("catalog-" + floodLines + tail));
        Files.writeString(d.resolve("t.yaml"), """
                subsystem: cpu
                probes:
                  - id: loadavg
                    description: load
                    kind: gauge
                    files: [/proc/loadavg]
                  - id: flood
                    description: floods
                    kind: gauge
                    command: [cat, /proc/loadavg]
                    maxLines: %d
                    keep: %s
                  - id: after
                    description: after the flood
                    kind: gauge
                    command: [cat, /proc/uptime]
                """.formatted(floodLines, tail ? "tail" : "head"));
        return ProbeCatalogLoader.load(d);
    }

    private static final class Stream {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Stream marker(String m) {
            return text(N + " " + m + "\n");
        }

        Stream text(String t) {
            out.writeBytes(t.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Stream raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
