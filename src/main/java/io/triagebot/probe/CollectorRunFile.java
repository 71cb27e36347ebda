package io.triagebot.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves a collector run to a file and reads it back, so conditions captured on a real host become
 * replayable test fixtures. Format: "# key: value" header lines (nonce, started, elapsed-ms, exit,
 * deadline-reached, output-capped, plus any free-form provenance such as how the condition was made),
 * a line "# --", then the raw stream byte for byte.
 */
public final class CollectorRunFile {

    private static final String END_OF_HEADER = "# --\n";

    private CollectorRunFile() {
    }

    public static void write(Path file, CollectorRun run, Map<String, String> provenance) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> header = new LinkedHashMap<>();
        header.put("nonce", run.nonce());
        header.put("started", run.started().toString());
        header.put("elapsed-ms", Long.toString(run.elapsed().toMillis()));
        header.put("exit", Integer.toString(run.output().exitCode()));
        header.put("deadline-reached", Boolean.toString(run.output().deadlineReached()));
        header.put("output-capped", Boolean.toString(run.output().outputCapped()));
        header.putAll(provenance);
        for (Map.Entry<String, String> e : header.entrySet()) {
            String value = e.getValue().replace('\n', ' ');
            out.writeBytes(("# " + e.getKey() + ": " + value + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(END_OF_HEADER.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(run.output().stdout());
        Files.write(file, out.toByteArray());
    }

    /** A run read back, with its header (provenance included). */
    public record Loaded(CollectorRun run, Map<String, String> header) {
    }

    public static Loaded read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf(END_OF_HEADER);
        if (end < 0) {
            throw new IOException(file + ": not a collector run file (no '# --' line)");
        }
        Map<String, String> header = new LinkedHashMap<>();
        for (String line : new String(all, 0, end, StandardCharsets.UTF_8).split("\n")) {
            int colon = line.indexOf(": ");
            if (line.startsWith("# ") && colon > 2) {
                header.put(line.substring(2, colon), line.substring(colon + 2));
            }
        }
        String nonce = header.get("nonce");
        if (nonce == null) {
            throw new IOException(file + ": header has no nonce");
        }
        byte[] stream = java.util.Arrays.copyOfRange(all, end + END_OF_HEADER.length(), all.length);
        RunOutput output = new RunOutput(stream, Integer.parseInt(header.getOrDefault("exit", "-1")),
                Boolean.parseBoolean(header.get("deadline-reached")), Boolean.parseBoolean(header.get("output-capped")),
                "");
        Instant started = header.containsKey("started") ? Instant.parse(header.get("started")) : Instant.EPOCH;
        Duration elapsed = Duration.ofMillis(Long.parseLong(header.getOrDefault("elapsed-ms", "0")));
        return new Loaded(new CollectorRun(nonce, output, started, elapsed), header);
    }
}
