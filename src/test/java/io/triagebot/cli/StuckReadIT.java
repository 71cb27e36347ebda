package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.testsupport.CliRun;
import io.triagebot.testsupport.HostileHost;
import io.triagebot.testsupport.LiveTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host whose kernel-file batch hangs mid-way, unkillably: {@code /proc/loadavg} is a FIFO (bound over it
 * in the sessions' mount namespace) whose writer never writes, and the {@code head} that reads it is moved
 * into a frozen v1 freezer cgroup the moment it blocks, where SIGKILL waits like for a read in D state. The
 * triage reports everything else by its deadline and names the stuck probe; the next triage does not start
 * that read again while the stuck process is there, and says so.
 */
class StuckReadIT {

    @TempDir
    Path dir;

    @Test
    void aStuckReadLosesOnlyItselfAndIsNotStartedAgainWhileItsProcessLives() throws Exception {
        Path freezerRoot = Path.of("/sys/fs/cgroup/freezer");
        LiveTests.requireOrSkip(LiveTests.isRoot() && Files.isWritable(freezerRoot.resolve("cgroup.procs")),
                "needs root and the cgroup v1 freezer at /sys/fs/cgroup/freezer");
        Path fifo = dir.resolve("loadavg.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        Path freezer = freezerRoot.resolve("triagebot-stuck-read-" + ProcessHandle.current().pid());
        Files.createDirectory(freezer);
        AtomicLong frozen = new AtomicLong(-1);
        Thread watcher = null;
        try (HostileHost host = HostileHost.builder(dir).bind("/proc/loadavg", fifo)
                .setup("(exec sleep 600 >" + fifo + ") &").start()) {
            Path config = host.sshd().writeClientConfig(dir.resolve("config"), "stuck");
            watcher = new Thread(() -> freezeFirstReader(fifo, freezer, frozen), "freeze-stuck-reader");
            watcher.setDaemon(true);
            watcher.start();

            long start = System.nanoTime();
            CliRun first = CliRun.of("triage", "stuck", "--ssh-config", config.toString(), "--window", "0.5",
                    "--deadline", "10");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(ExitCodes.OK, first.exit(), first.err());
            assertTrue(frozen.get() > 0, "no process read the FIFO:\n" + first.out());
            // The collection itself ends by its 10 s deadline (no deadline note below); this only bounds a hang.
            assertTrue(seconds < 30, "took " + seconds + " s:\n" + first.out() + first.err());
            assertTrue(first.out().contains("loadavg: a read of /proc/loadavg was stuck on the host (pid " + frozen.get()
                    + ", in uninterruptible sleep (D))"), first.out());
            assertTrue(first.out().contains("loadavg: its read was stuck on the host (pid " + frozen.get() + ", state D)"),
                    first.out());
            // Everything else, the second sample included, was read.
            assertTrue(first.out().contains("VITALS"), first.out());
            assertFalse(first.out().contains("second sample not taken"), first.out());
            assertFalse(first.out().contains("did not finish within"), first.out());
            assertFalse(first.out().contains("is still stuck"), "found stuck and skipped in the same run: said once");

            CliRun second = CliRun.of("triage", "stuck", "--ssh-config", config.toString(), "--window", "0.5",
                    "--deadline", "10");
            assertEquals(ExitCodes.OK, second.exit(), second.err());
            assertTrue(second.out().contains("loadavg: not read: its read from an earlier triage (pid " + frozen.get()
                    + ") is still stuck on the host; it is not started again there until that process is gone"),
                    second.out());
            assertEquals(1, readers(fifo).size(), "the read was started again: " + readers(fifo));
        } finally {
            if (watcher != null) {
                watcher.interrupt();
                watcher.join(5000);
            }
            thawAndRemove(freezer);
        }
    }

    /** Freezes the first head that blocks on the FIFO (polling /proc, bounded by 60 s). */
    private static void freezeFirstReader(Path fifo, Path freezer, AtomicLong frozen) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (System.nanoTime() < until && !Thread.currentThread().isInterrupted()) {
                List<Long> found = readers(fifo);
                if (!found.isEmpty()) {
                    Files.writeString(freezer.resolve("cgroup.procs"), Long.toString(found.get(0)));
                    Files.writeString(freezer.resolve("freezer.state"), "FROZEN");
                    frozen.set(found.get(0));
                    return;
                }
                Thread.sleep(5);
            }
        } catch (IOException | InterruptedException e) {
            // the test's assertions say what went wrong
        }
    }

    /** head processes with the FIFO (seen as /proc/loadavg in their namespace) open. */
    private static List<Long> readers(Path fifo) {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.endsWith("/head")).orElse(false))
                .map(ProcessHandle::pid).filter(pid -> hasOpen(pid, fifo)).toList();
    }

    private static boolean hasOpen(long pid, Path fifo) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.equals("/proc/loadavg") || target.equals(fifo.toString());
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void thawAndRemove(Path freezer) throws Exception {
        if (!Files.exists(freezer)) {
            return;
        }
        Files.writeString(freezer.resolve("freezer.state"), "THAWED");
        for (int i = 0; i < 100 && Files.exists(freezer); i++) {
            try {
                Files.delete(freezer);
            } catch (IOException e) {
                Thread.sleep(100); // the thawed process is still leaving
            }
        }
    }
}
