package io.triagebot.testsupport;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A host whose {@code tee} waits for the test: a test sshd {@code ForceCommand} gives every session a
 * private mount namespace in which {@code /usr/bin/tee} is a script that, while {@link #arm() armed}, blocks
 * reading a FIFO (the gate) before running the real tee, and leaves a {@code done} file when it is finished.
 * So an action's command step blocks exactly as long as the test wants, on the real SSH path, and nothing
 * outside the session changes. Root only (bind mounts).
 */
public final class GatedTee {

    private final Path dir;
    private final Path gate;
    private final Path armed;
    private final Path done;

    private GatedTee(Path dir) {
        this.dir = dir;
        this.gate = dir.resolve("gate");
        this.armed = dir.resolve("armed");
        this.done = dir.resolve("done");
    }

    public static GatedTee create(Path dir) throws IOException, InterruptedException {
        GatedTee g = new GatedTee(Files.createDirectories(dir));
        Files.copy(Path.of("/usr/bin/tee"), dir.resolve("real-tee"));
        Path fake = dir.resolve("tee");
        Files.writeString(fake, "#!/bin/sh\n"
                + "if [ -e '" + g.armed + "' ]; then cat '" + g.gate + "' >/dev/null; fi\n"
                + "'" + dir.resolve("real-tee") + "' \"$@\"\nrc=$?\n"
                + "[ -e '" + g.armed + "' ] && : > '" + g.done + "'\n"
                + "exit $rc\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process mkfifo = new ProcessBuilder("mkfifo", g.gate.toString()).start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo failed");
        }
        return g;
    }

    /** The sshd_config line: each session in its own mount namespace with the gated tee. */
    public String forceCommand() {
        return "ForceCommand unshare -m --propagation private sh -c 'mount --bind " + dir.resolve("tee")
                + " /usr/bin/tee && exec sh -c \"$SSH_ORIGINAL_COMMAND\"'";
    }

    /** From now on tee blocks until {@link #release()}. */
    public void arm() throws IOException {
        Files.deleteIfExists(done);
        Files.writeString(armed, "");
    }

    /**
     * Lets a blocked tee go on: opening the FIFO read-write never blocks, and closing it is the end of
     * file its reader waits for.
     */
    public void release() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(gate.toFile(), "rw")) {
            f.getFD().sync();
        } catch (IOException e) {
            // sync on a FIFO may fail; the open and close are what count
        }
    }

    /** Whether a gated tee is waiting at the gate now. */
    public boolean blocked() {
        String gatePath = gate.toString();
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().arguments()
                .map(a -> a.length == 1 && a[0].equals(gatePath)).orElse(false)
                && p.info().command().map(c -> c.endsWith("/cat")).orElse(false));
    }

    /** Whether a gated tee has finished (after {@link #release()}). */
    public boolean finished() {
        return Files.exists(done);
    }

    public void disarm() throws IOException {
        Files.deleteIfExists(armed);
    }
}
