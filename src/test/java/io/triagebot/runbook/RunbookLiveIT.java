package io.triagebot.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.triagebot.testsupport.LiveTests.isRoot;
import static io.triagebot.testsupport.LiveTests.requireOrSkip;

import io.triagebot.probe.LocalScriptRunner;
import io.triagebot.testsupport.LiveTests;
import io.triagebot.probe.RunLimits;
import io.triagebot.probe.RunOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs real runbooks on this machine, through {@link LocalScriptRunner} (/bin/sh, as the collector runs):
 * precondition, capture, command, capture again (changed), rollback, capture again (restored). Needs
 * root; skipped otherwise, except on CI ({@code CI=true}) where that is a failure.
 *
 * <p>Every test puts the original value back in a finally block: through the runbook's rollback, and if
 * that did not restore it, by writing the kernel file directly.
 */
class RunbookLiveIT {

    private static final RunLimits LIMITS = new RunLimits(Duration.ofSeconds(15), 1 << 20);
    private static final List<String> DEVICES = List.of("vda", "sda", "nvme0n1", "xvda", "mmcblk0");

    private static RunbookCatalog catalog;
    private final LocalScriptRunner runner = new LocalScriptRunner();

    @BeforeAll
    static void requireRoot() throws Exception {
        requireOrSkip(isRoot(), "the live runbook test changes kernel settings and needs root");
        catalog = RunbookCatalogLoader.loadBuiltIn();
    }

    @Test
    void vmSwappiness() throws Exception {
        Path file = Path.of("/proc/sys/vm/swappiness");
        requireOrSkip(Files.isWritable(file), file + " is not writable here (read-only /proc/sys?)");
        String current = LiveTests.readKernelFile(file);
        cycle("vm-swappiness", Map.of("value", current.equals("10") ? "20" : "10"), file, current);
    }

    @Test
    void thpDefrag() throws Exception {
        Path file = Path.of("/sys/kernel/mm/transparent_hugepage/defrag");
        requireOrSkip(Files.isWritable(file), file + " is not writable here (kernel without THP?)");
        String shown = LiveTests.readKernelFile(file);
        String current = shown.substring(shown.indexOf('[') + 1, shown.indexOf(']'));
        cycle("thp-defrag", Map.of("mode", current.equals("defer+madvise") ? "defer" : "defer+madvise"), file, current);
    }

    @Test
    void readAhead() throws Exception {
        String device = DEVICES.stream().filter(d -> Files.isWritable(Path.of("/sys/block", d, "queue/read_ahead_kb")))
                .findFirst().orElse(null);
        requireOrSkip(device != null, "no block device among " + DEVICES + " with a writable read_ahead_kb");
        Path file = Path.of("/sys/block", device, "queue/read_ahead_kb");
        String current = LiveTests.readKernelFile(file);
        cycle("read-ahead", Map.of("device", device, "kb", current.equals("128") ? "256" : "128"), file, current);
    }

    /**
     * The whole protocol for one runbook. {@code original} is what the kernel file showed before (its
     * bracketed choice for THP); the finally block makes sure it shows that again.
     */
    private void cycle(String id, Map<String, String> params, Path file, String original) throws Exception {
        ResolvedAction action = catalog.resolve(id, params);
        RenderedAction rendered = action.render();
        assertEquals(0, run(rendered.precondition()).exitCode(), "precondition of " + rendered.precondition().human());
        String before = stdout(run(rendered.capture().orElseThrow()));
        // The rollback is rendered (and the captured value validated) before anything changes.
        RenderedScript rollback = action.rollbackWith(before);
        assertTrue(action.applied(before) == false, id + ": already at " + params + "?");
        boolean restoredByRunbook = false;
        try {
            RunOutput out = run(rendered.command());
            assertEquals(0, out.exitCode(), rendered.humanCommand() + ": " + out.stderr());
            String after = stdout(run(rendered.capture().orElseThrow()));
            assertTrue(action.applied(after), rendered.humanCommand() + " did not change it: " + after);
            assertFalse(action.restored(before, after));

            RunOutput undo = run(rollback);
            assertEquals(0, undo.exitCode(), rollback.human() + ": " + undo.stderr());
            String restored = stdout(run(rendered.capture().orElseThrow()));
            assertTrue(action.restored(before, restored), rollback.human() + " left " + restored + ", was " + before);
            restoredByRunbook = true;
        } finally {
            if (!restoredByRunbook) {
                RunOutput undo = run(rollback);
                if (undo.exitCode() != 0) {
                    System.err.println(id + ": rollback failed (" + undo.stderr().strip() + "); writing " + file + " directly");
                }
            }
            String now = LiveTests.readKernelFile(file);
            boolean same = file.toString().contains("transparent_hugepage") ? now.contains("[" + original + "]") : now.equals(original);
            if (!same) {
                Files.writeString(file, original + "\n");
            }
        }
        String finalValue = LiveTests.readKernelFile(file);
        assertTrue(file.toString().contains("transparent_hugepage") ? finalValue.contains("[" + original + "]")
                : finalValue.equals(original), file + " is " + finalValue + ", was " + original);
    }

    private RunOutput run(RenderedScript script) throws Exception {
        return runner.run(script.script(), LIMITS);
    }

    private static String stdout(RunOutput out) {
        assertEquals(0, out.exitCode(), "capture failed: " + out.stderr());
        return new String(out.stdout(), StandardCharsets.UTF_8);
    }

}
