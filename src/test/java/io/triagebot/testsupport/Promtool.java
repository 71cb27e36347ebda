package io.triagebot.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own checker (Debian's prometheus package; .ci/run installs it). Skipped on a developer
 * machine without it, a failure on CI.
 */
public final class Promtool {

    private Promtool() {
    }

    /** {@code promtool check metrics}: the exposition parses and follows the naming conventions. */
    public static void checkMetrics(String exposition) throws Exception {
        run(exposition, "check", "metrics");
    }

    /** Runs promtool with {@code args}, asserting exit 0; returns what it printed. */
    public static String run(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(path().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // promtool may exit before reading all of it; its output says why
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }

    private static Path path() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(d, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        LiveTests.requireOrSkip(false, "promtool not installed (Debian's prometheus package)");
        return null;
    }
}
