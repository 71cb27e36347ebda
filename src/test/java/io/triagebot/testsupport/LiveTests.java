package io.triagebot.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Rules for tests that change this machine (kernel settings, cgroups, the kernel log). */
public final class LiveTests {

    private LiveTests() {
    }

    /** Running with effective UID 0 (the third field of Uid: in /proc/self/status is the effective one). */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return false;
    }

    /** Skips on a developer machine; fails on CI (CI=true), where a missing prerequisite is a broken image. */
    public static void requireOrSkip(boolean ok, String why) {
        if (ok) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(why + " (CI=true: this live test must run)");
        }
        Assumptions.assumeTrue(false, why);
    }

    /**
     * A kernel file's text, stripped. Read from offset 0 in one go: sysctl files answer EOF at a
     * non-zero offset, and {@code Files.readString} reads them a byte at a time ("10" reads as "1").
     */
    public static String readKernelFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
