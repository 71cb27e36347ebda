package io.triagebot.probe;

import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits the collector's stream into samples, file reads and command attempts. Tolerant by design: the
 * stream may stop anywhere (deadline, output cap, a killed script) and the bytes may be anything a sick
 * host prints; what was complete is kept and what was cut is flagged.
 */
public final class CollectorOutputParser {

    /** No procfs line comes near this; a longer one is junk and is shortened. */
    static final int MAX_LINE_CHARS = 16 * 1024;

    private static final Pattern HEADER = Pattern.compile("==> (.+) <==");
    // GNU: "head: cannot open '/x' for reading: No such file or directory",
    //      "head: error reading '/proc/pressure/cpu': Operation not supported"
    // BusyBox: "head: /x: No such file or directory"
    private static final Pattern GNU_ERROR = Pattern.compile("head: (?:cannot open|error reading) '(.+?)'(?: for reading)?: (.+)");
    private static final Pattern BUSYBOX_ERROR = Pattern.compile("head: (/\\S+): (.+)");

    private CollectorOutputParser() {
    }

    public static CollectorOutput parse(byte[] stdout, String nonce) {
        return new State(nonce).run(decode(stdout));
    }

    private static String decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("decoder set to replace cannot fail", e);
        }
    }

    /** One pass over the stream; a small state machine over marker lines. */
    private static final class State {
        private final String marker;
        private final List<CollectorOutput.Sample> samples = new ArrayList<>();
        private boolean finished;
        private boolean stoppedAtDeadline;
        private int linesCut;

        private int sampleIndex;
        private Map<String, CollectorOutput.FileRead> files;
        private List<CollectorOutput.CommandAttempt> attempts;
        private boolean inBatch;
        private boolean batchFinished;
        private String filePath;
        private List<String> fileLines;
        private String attemptProbe;
        private List<String> attemptLines;

        State(String nonce) {
            this.marker = nonce + " ";
        }

        CollectorOutput run(String text) {
            int start = 0;
            int len = text.length();
            while (start < len) {
                int nl = text.indexOf('\n', start);
                boolean lastUnterminated = nl < 0;
                int end = lastUnterminated ? len : nl;
                String line = text.substring(start, end);
                // An unterminated last line is a line the stream cut in two: keep it out.
                if (!lastUnterminated) {
                    if (line.length() > MAX_LINE_CHARS) {
                        line = line.substring(0, MAX_LINE_CHARS);
                        linesCut++;
                    }
                    accept(line);
                }
                start = end + 1;
            }
            closeSample(true);
            return new CollectorOutput(List.copyOf(samples), finished, stoppedAtDeadline, linesCut);
        }

        private void accept(String line) {
            if (line.startsWith(marker)) {
                marker(line.substring(marker.length()));
            } else if (attemptProbe != null) {
                attemptLines.add(line);
            } else if (inBatch) {
                batchLine(line);
            }
            // Anything else (before the header, between sections) is noise and is dropped.
        }

        private void marker(String m) {
            String[] f = m.split(" ");
            switch (f[0]) {
                case "S" -> {
                    closeSample(false);
                    sampleIndex = parseInt(f, 1, 0);
                    files = new LinkedHashMap<>();
                    attempts = new ArrayList<>();
                    batchFinished = false;
                }
                case "F" -> inBatch = files != null;
                case "f" -> {
                    closeFile(false, false);
                    inBatch = false;
                    batchFinished = true;
                }
                case "C" -> {
                    if (attempts != null && f.length > 1) {
                        attemptProbe = f[1];
                        attemptLines = new ArrayList<>();
                    }
                }
                case "R" -> {
                    if (attemptProbe != null) {
                        attempts.add(new CollectorOutput.CommandAttempt(attemptProbe, List.copyOf(attemptLines),
                                parseInt(f, 2, -1)));
                        attemptProbe = null;
                        attemptLines = null;
                    }
                }
                case "Z" -> finished = true;
                case "X" -> stoppedAtDeadline = true;
                default -> {
                    // "H" (header) and unknown markers from a newer script carry nothing we need.
                }
            }
        }

        private void batchLine(String line) {
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                closeFile(false, true);
                filePath = header.group(1);
                fileLines = new ArrayList<>();
                return;
            }
            if (line.startsWith("head: ")) {
                Matcher e = GNU_ERROR.matcher(line);
                if (!e.matches()) {
                    e = BUSYBOX_ERROR.matcher(line);
                }
                if (e.matches()) {
                    String path = e.group(1);
                    CollectorOutput.FileRead earlier = files.get(path);
                    if (path.equals(filePath)) {
                        closeFile(false, false);
                        earlier = files.get(path);
                    }
                    List<String> lines = earlier == null ? List.of() : earlier.lines();
                    files.put(path, new CollectorOutput.FileRead(path, lines, e.group(2), false));
                    return;
                }
            }
            if (fileLines != null) {
                fileLines.add(line);
            }
        }

        private void closeFile(boolean interrupted, boolean separatorFollows) {
            if (filePath == null) {
                return;
            }
            // head puts an empty line before every header but the first; it belongs to no file.
            if (separatorFollows && !fileLines.isEmpty() && fileLines.get(fileLines.size() - 1).isEmpty()) {
                fileLines.remove(fileLines.size() - 1);
            }
            files.put(filePath, new CollectorOutput.FileRead(filePath, List.copyOf(fileLines), null, interrupted));
            filePath = null;
            fileLines = null;
        }

        private void closeSample(boolean streamEnded) {
            if (files == null) {
                return;
            }
            closeFile(streamEnded && inBatch, false);
            if (attemptProbe != null) {
                attempts.add(new CollectorOutput.CommandAttempt(attemptProbe, List.copyOf(attemptLines), null));
                attemptProbe = null;
                attemptLines = null;
            }
            samples.add(new CollectorOutput.Sample(sampleIndex, Map.copyOf(files), List.copyOf(attempts), batchFinished));
            files = null;
            attempts = null;
            inBatch = false;
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
    }
}
