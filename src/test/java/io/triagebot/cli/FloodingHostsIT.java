package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.testsupport.HostileHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts flooding the collector at once, triaged by the shaded jar in a JVM of its own with a 256 MiB
 * heap: one prints 17 MiB of {@code a\n} (and a 1 MiB line without newline first) where the process list
 * should be, the other 20 MiB of random bytes. Both get a report that says what was cut; the JVM lives.
 */
class FloodingHostsIT {

    static final Path PROJECT = Path.of(System.getProperty("triagebot.projectDir", "."));

    @TempDir
    Path dir;

    @Test
    void twoFloodingHostsAtOnceGetPartialReportsFromA256MiBHeap() throws Exception {
        Path textDir = Files.createDirectories(dir.resolve("text"));
        Path binaryDir = Files.createDirectories(dir.resolve("binary"));
        try (HostileHost text = HostileHost.builder(textDir)
                        .replaceTasksGrep("head -c 1048576 /dev/zero | tr '\\0' b; echo; yes a | head -c 17825792")
                        .start();
                HostileHost binary = HostileHost.builder(binaryDir)
                        .replaceTasksGrep("head -c 20971520 /dev/urandom").start()) {
            Path config = text.sshd().writeClientConfig(dir.resolve("config"), "flood-text");
            binary.sshd().writeClientConfig(config, "flood-binary");
            Path out = dir.resolve("out.txt");
            Path err = dir.resolve("err.txt");
            Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-jar",
                    PROJECT.resolve("target/triagebot.jar").toString(), "triage", "flood-text", "flood-binary",
                    "--ssh-config", config.toString(), "--window", "0.5", "--deadline", "30")
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean ended = jvm.waitFor(90, TimeUnit.SECONDS);
            if (!ended) {
                jvm.destroyForcibly();
            }
            String report = Files.readString(out, StandardCharsets.UTF_8);
            String errors = Files.readString(err, StandardCharsets.UTF_8);
            assertTrue(ended, "the triage did not end within 90 s");
            assertEquals(ExitCodes.OK, jvm.exitValue(), errors + report);
            assertFalse(errors.contains("OutOfMemoryError"), errors);

            String textReport = section(report, "flood-text");
            String binaryReport = section(report, "flood-binary");
            assertTrue(textReport.contains("VITALS") && binaryReport.contains("VITALS"), report);
            assertTrue(textReport.matches("(?s).*tasks: output cut: [0-9,]+ lines \\([0-9.]+ MiB\\) past its 150,000-line bound dropped.*"),
                    textReport);
            assertTrue(textReport.matches("(?s).*; 2 lines longer than 16.0 KiB shortened.*"), textReport);
            assertTrue(binaryReport.matches("(?s).*tasks: output cut: .*of binary data.*"), binaryReport);
            // The flood sat in the middle of each sample; what came after it was still read.
            assertFalse(report.contains("second sample not taken"), report);
        }
    }

    /** One host's report: from its headline to the next report's. */
    private static String section(String report, String host) {
        java.util.regex.Matcher start = java.util.regex.Pattern
                .compile("(?m)^(LOW|MEDIUM|HIGH|CRITICAL)  " + host + ": ").matcher(report);
        assertTrue(start.find(), "no report for " + host + ":\n" + report);
        java.util.regex.Matcher next = java.util.regex.Pattern.compile("(?m)^(LOW|MEDIUM|HIGH|CRITICAL)  \\S+: ")
                .matcher(report);
        int end = next.find(start.end()) ? next.start() : report.length();
        return report.substring(start.start(), end);
    }
}
