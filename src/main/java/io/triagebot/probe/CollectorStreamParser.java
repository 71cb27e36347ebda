package io.triagebot.probe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits the collector's stream into samples, file reads and command attempts as the bytes arrive, and
 * keeps only what {@link ParseLimits} allows. Tolerant by design: the stream may stop anywhere (deadline,
 * cap, a killed script) and the bytes may be anything a sick or hostile host prints; what was complete is
 * kept, and everything cut is counted per probe and said in {@link CollectorOutput#cuts()}.
 *
 * <p>The bounds hold inside the read loop: a line longer than {@link ParseLimits#MAX_LINE_BYTES} is cut
 * while it is read, and a line a bound rejects is counted and skipped without ever becoming a String, so a
 * flood costs time, not memory. Not thread-safe: one feeder, then {@link #finish()}.
 */
public final class CollectorStreamParser {

    private static final Pattern HEADER = Pattern.compile("==> (.+) <==");
    // GNU: "head: cannot open '/x' for reading: No such file or directory",
    //      "head: error reading '/proc/pressure/cpu': Operation not supported"
    // BusyBox: "head: /x: No such file or directory"
    private static final Pattern GNU_ERROR = Pattern.compile("head: (?:cannot open|error reading) '(.+?)'(?: for reading)?: (.+)");
    private static final Pattern BUSYBOX_ERROR = Pattern.compile("head: (/\\S+): (.+)");
    private static final byte[] HEADER_START = "==> ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_ERROR_START = "head: ".getBytes(StandardCharsets.US_ASCII);
    /** Output outside every section is expected to be empty; past this much it is worth saying. */
    private static final long NOISE_WORTH_SAYING = 4096;

    private final byte[] marker;
    private final ParseLimits limits;
    private final byte[] line = new byte[ParseLimits.MAX_LINE_BYTES];
    private int lineLength;
    private long lineOverflow;

    private final List<CollectorOutput.Sample> samples = new ArrayList<>();
    private final List<CollectorOutput.Stuck> stuck = new ArrayList<>();
    private final Cuts cuts = new Cuts();
    private boolean finished;
    private boolean stoppedAtDeadline;
    private long bytesRead;
    private long kept;
    private long noiseBytes;

    private int sampleIndex;
    private Map<String, CollectorOutput.FileRead> files;
    private List<CollectorOutput.CommandAttempt> attempts;
    private Map<String, Long> probeBytes;
    private boolean inBatch;
    private boolean batchFinished;
    private Section current;

    public CollectorStreamParser(String nonce, ParseLimits limits) {
        this.marker = (nonce + " ").getBytes(StandardCharsets.US_ASCII);
        this.limits = limits.forOneRun();
    }

    /** Takes the next bytes of the stream, in order. */
    public void feed(byte[] bytes, int offset, int length) {
        bytesRead += length;
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int nl = indexOfNewline(bytes, i, end);
            int stop = nl < 0 ? end : nl;
            int room = line.length - lineLength;
            int take = Math.min(room, stop - i);
            System.arraycopy(bytes, i, line, lineLength, take);
            lineLength += take;
            lineOverflow += (stop - i) - take;
            if (nl < 0) {
                return;
            }
            acceptLine();
            lineLength = 0;
            lineOverflow = 0;
            i = nl + 1;
        }
    }

    /** Whether the script's end marker has been read: nothing after it matters. */
    public boolean sawEnd() {
        return finished;
    }

    /** The stream has ended (or will no longer be read): what it held. */
    public CollectorOutput finish() {
        // An unterminated last line is a line the stream cut in two: keep it out, but say when it was big.
        if (lineLength + lineOverflow > 0) {
            if (current != null) {
                cuts.add(current.bound, 0, lineLength + lineOverflow, Cuts.Kind.UNTERMINATED);
            } else {
                noiseBytes += lineLength + lineOverflow;
            }
        }
        closeSample(true);
        if (noiseBytes > NOISE_WORTH_SAYING) {
            cuts.noise(noiseBytes);
        }
        return new CollectorOutput(List.copyOf(samples), finished, stoppedAtDeadline, (int) Math.min(Integer.MAX_VALUE, cuts.longLines()),
                cuts.describe(limits.maxKeptBytes()), List.copyOf(stuck), bytesRead);
    }

    private static int indexOfNewline(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void acceptLine() {
        if (startsWith(marker)) {
            marker(text(marker.length, lineLength).split(" "));
        } else if (current != null && current.attempt) {
            content();
        } else if (inBatch) {
            batchLine();
        } else {
            // Before the header or between sections: noise, dropped, counted.
            noiseBytes += lineLength + lineOverflow + 1;
        }
    }

    private void marker(String[] f) {
        switch (f[0]) {
            case "S" -> {
                closeSample(false);
                sampleIndex = parseInt(f, 1, 0);
                files = new LinkedHashMap<>();
                attempts = new ArrayList<>();
                probeBytes = new LinkedHashMap<>();
                batchFinished = false;
            }
            case "F" -> {
                closeSection(false);
                inBatch = files != null;
            }
            case "f" -> {
                closeSection(false);
                inBatch = false;
                batchFinished = true;
            }
            case "C" -> {
                closeSection(false);
                if (attempts != null && f.length > 1) {
                    current = new Section(f[1], limits.command(f[1]), true);
                }
            }
            case "R" -> {
                if (current != null && current.attempt) {
                    attempts.add(new CollectorOutput.CommandAttempt(current.name, current.lines(),
                            parseInt(f, 2, -1)));
                    current = null;
                }
            }
            case "K", "s" -> stuck(f);
            case "Z" -> finished = true;
            case "X" -> stoppedAtDeadline = true;
            default -> {
                // "H" (header) and unknown markers from a newer script carry nothing we need.
            }
        }
    }

    /** "K probe pid state path": found stuck now; "s probe pid": not started, its earlier read still stuck. */
    private void stuck(String[] f) {
        if (f.length < 3 || stuck.size() >= 64) {
            return;
        }
        boolean skipped = f[0].equals("s");
        String state = !skipped && f.length > 3 ? f[3] : "";
        String path = !skipped && f.length > 4 ? String.join(" ", java.util.Arrays.copyOfRange(f, 4, f.length)) : "";
        stuck.add(new CollectorOutput.Stuck(sampleIndex, probeOf(f[1], path), path, parseLong(f[2]), state, skipped));
    }

    /** The probe a stuck path belongs to ({@code /proc/PID/x} read as {@code /proc/self/x}); else the script's word. */
    private String probeOf(String scriptProbe, String path) {
        if (path.isEmpty()) {
            return scriptProbe;
        }
        String probe = limits.file(path).probe();
        if (probe.equals("unknown")) {
            probe = limits.file(path.replaceFirst("^/proc/[0-9]+/", "/proc/self/")).probe();
        }
        return probe.equals("unknown") ? scriptProbe : probe;
    }

    private void batchLine() {
        if (startsWith(HEADER_START)) {
            Matcher header = HEADER.matcher(text(0, lineLength));
            if (header.matches()) {
                closeSection(true);
                String path = header.group(1);
                current = new Section(path, limits.file(path), false);
                return;
            }
        }
        if (startsWith(HEAD_ERROR_START)) {
            String text = text(0, lineLength);
            Matcher e = GNU_ERROR.matcher(text);
            if (!e.matches()) {
                e = BUSYBOX_ERROR.matcher(text);
            }
            if (e.matches()) {
                String path = e.group(1);
                if (current != null && path.equals(current.name)) {
                    closeSection(false);
                }
                CollectorOutput.FileRead earlier = files.get(path);
                List<String> lines = earlier == null ? List.of() : earlier.lines();
                files.put(path, new CollectorOutput.FileRead(path, lines, e.group(2), false));
                return;
            }
        }
        if (current != null) {
            content();
        } else {
            noiseBytes += lineLength + lineOverflow + 1;
        }
    }

    /** A line of the current file or command: kept if every bound allows it, else counted and skipped. */
    private void content() {
        Section s = current;
        ParseLimits.Section bound = s.bound;
        long bytes = lineLength + lineOverflow + 1;
        if (containsNul()) {
            cuts.add(bound, 1, bytes, Cuts.Kind.BINARY);
            return;
        }
        if (bound.keepTail()) {
            s.tail(this);
            return;
        }
        long cost = lineLength + 1L + ParseLimits.LINE_OVERHEAD;
        long used = probeBytes.getOrDefault(bound.probe(), 0L);
        if (s.lines.size() >= bound.maxLines()) {
            cuts.add(bound, 1, bytes, Cuts.Kind.LINES);
        } else if (used + lineLength + 1 > bound.maxBytes()) {
            cuts.add(bound, 1, bytes, Cuts.Kind.BYTES);
        } else if (kept + cost > limits.maxKeptBytes()) {
            cuts.add(bound, 1, bytes, Cuts.Kind.TOTAL);
        } else {
            if (lineOverflow > 0) {
                cuts.add(bound, 1, lineOverflow, Cuts.Kind.LONG_LINE);
            }
            probeBytes.put(bound.probe(), used + lineLength + 1);
            kept += cost;
            s.lines.add(text(0, lineLength));
        }
    }

    private void closeSection(boolean separatorFollows) {
        if (current == null) {
            return;
        }
        if (current.attempt) {
            attempts.add(new CollectorOutput.CommandAttempt(current.name, current.lines(), null));
        } else {
            List<String> lines = current.lines();
            // head puts an empty line before every header but the first; it belongs to no file.
            if (separatorFollows && !lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines = lines.subList(0, lines.size() - 1);
            }
            files.put(current.name, new CollectorOutput.FileRead(current.name, List.copyOf(lines), null, false));
        }
        current = null;
    }

    private void closeSample(boolean streamEnded) {
        if (files == null) {
            return;
        }
        if (current != null) {
            if (current.attempt) {
                attempts.add(new CollectorOutput.CommandAttempt(current.name, current.lines(), null));
            } else {
                boolean interrupted = streamEnded && inBatch;
                files.put(current.name, new CollectorOutput.FileRead(current.name, current.lines(), null, interrupted));
            }
            current = null;
        }
        samples.add(new CollectorOutput.Sample(sampleIndex, Map.copyOf(files), List.copyOf(attempts), batchFinished));
        files = null;
        attempts = null;
        inBatch = false;
    }

    private boolean startsWith(byte[] prefix) {
        if (lineLength < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean containsNul() {
        for (int i = 0; i < lineLength; i++) {
            if (line[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /** Invalid UTF-8 becomes U+FFFD: host bytes never fail a parse. */
    private String text(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.UTF_8);
    }

    private static int parseInt(String[] f, int i, int fallback) {
        if (f.length <= i) {
            return fallback;
        }
        try {
            return Integer.parseInt(f[i]);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * One file or command attempt being read. A keep-the-tail probe (logs) holds its lines in a byte ring
     * bounded by the probe's lines and bytes, so a flood rotates through fixed memory and only the last
     * lines become Strings, at the end.
     */
    private static final class Section {
        final String name;
        final ParseLimits.Section bound;
        final boolean attempt;
        final List<String> lines = new ArrayList<>();
        private TailRing ring;

        Section(String name, ParseLimits.Section bound, boolean attempt) {
            this.name = name;
            this.bound = bound;
            this.attempt = attempt;
        }

        void tail(CollectorStreamParser p) {
            if (ring == null) {
                // The ring's own bounds are the probe's; its worst case is reserved from the run's total.
                long reserve = bound.maxBytes() + (long) bound.maxLines() * ParseLimits.LINE_OVERHEAD;
                if (p.kept + reserve > p.limits.maxKeptBytes()) {
                    p.cuts.add(bound, 1, p.lineLength + 1L, Cuts.Kind.TOTAL);
                    return;
                }
                p.kept += reserve;
                ring = new TailRing(bound.maxLines(), (int) Math.min(bound.maxBytes(), Integer.MAX_VALUE - 8));
            }
            TailRing.Dropped dropped = ring.add(p.line, p.lineLength);
            if (dropped.lines() > 0) {
                p.cuts.add(bound, dropped.lines(), dropped.bytes(), Cuts.Kind.HEAD_OF_TAIL);
            }
        }

        List<String> lines() {
            return ring == null ? List.copyOf(lines) : ring.lines();
        }
    }
}
