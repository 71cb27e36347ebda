package io.triagebot.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The small pieces under the runner that can be checked without a server. */
class SshPlumbingTest {

    @Test
    void execOutputKeepsFirstBytesUpToTheCapAndFlagsTheRest() throws Exception {
        ExecOutput out = new ExecOutput(10);
        OutputStream stdout = out.stdoutSink();
        stdout.write("0123456".getBytes(StandardCharsets.US_ASCII));
        assertFalse(out.capped());
        stdout.write("789abc".getBytes(StandardCharsets.US_ASCII));
        stdout.write(new byte[1 << 20]);
        assertTrue(out.capped());
        assertEquals("0123456789", new String(out.stdout(), StandardCharsets.US_ASCII));
    }

    @Test
    void execOutputExactlyAtTheCapIsNotCapped() throws Exception {
        ExecOutput out = new ExecOutput(4);
        out.stdoutSink().write("abcd".getBytes(StandardCharsets.US_ASCII));
        assertFalse(out.capped());
    }

    @Test
    void stderrKeepsOnlyTheTail() throws Exception {
        ExecOutput out = new ExecOutput(10);
        OutputStream stderr = out.stderrSink();
        byte[] filler = new byte[ExecOutput.STDERR_TAIL_BYTES * 3];
        Arrays.fill(filler, (byte) 'x');
        stderr.write(filler);
        stderr.write("THE END".getBytes(StandardCharsets.US_ASCII));
        String tail = out.stderrTail();
        assertEquals(ExecOutput.STDERR_TAIL_BYTES, tail.length());
        assertTrue(tail.endsWith("xTHE END"));
    }

    @Test
    void pipeReadTimesOutLikeASocketAndCanBeMadeBlocking() throws Exception {
        TimedPipe pipe = new TimedPipe(16);
        pipe.setReadTimeout(100);
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> pipe.source().read());
        long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(waited >= 90 && waited < 2_000, "waited " + waited + " ms");

        pipe.setReadTimeout(0);
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(100);
                pipe.sink().write("hello, world, more than sixteen bytes".getBytes(StandardCharsets.US_ASCII));
                pipe.sink().close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        InputStream in = pipe.source();
        assertEquals("hello, world, more than sixteen bytes", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        writer.join(5_000);
    }

    @Test
    void closingThePipeReleasesABlockedWriter() throws Exception {
        TimedPipe pipe = new TimedPipe(4);
        AtomicBoolean failed = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                pipe.sink().write(new byte[64]);
            } catch (java.io.IOException e) {
                failed.set(true);
            }
        });
        writer.start();
        Thread.sleep(100);
        pipe.close();
        writer.join(5_000);
        assertFalse(writer.isAlive());
        assertTrue(failed.get());
        assertEquals(-1, pipe.source().read());
    }

    @Test
    void hostKeyFingerprintMatchesOpenSshFormat() {
        // Blob for "ssh-ed25519" with 32 zero bytes of key; the fingerprint is SHA256 over the blob.
        ByteBuffer blob = ByteBuffer.allocate(4 + 11 + 4 + 32);
        blob.putInt(11).put("ssh-ed25519".getBytes(StandardCharsets.US_ASCII)).putInt(32).put(new byte[32]);
        byte[] bytes = blob.array();
        assertEquals("ssh-ed25519", HostKeyVerifier.keyType(bytes));
        String fingerprint = HostKeyVerifier.fingerprint(bytes);
        assertTrue(fingerprint.startsWith("SHA256:"));
        assertFalse(fingerprint.endsWith("="), "OpenSSH prints fingerprints without base64 padding");
        assertEquals("unknown", HostKeyVerifier.keyType(new byte[] {0, 0, 0, 99, 1}));
    }

    @Test
    void jumpHostSpecsParseAndPrint() {
        assertEquals(new JumpHost("ops", "bastion", 2200), JumpHost.parseOne("ops@bastion:2200"));
        assertEquals(new JumpHost(null, "::1", 0), JumpHost.parseOne("::1"));
        assertEquals(new JumpHost(null, "::1", 22), JumpHost.parseOne("[::1]:22"));
        assertEquals("[::1]:22", JumpHost.parseOne("[::1]:22").toString());
        assertEquals("ops@bastion:2200", JumpHost.parseOne("ssh://ops@bastion:2200/").toString());
        assertThrows(IllegalArgumentException.class, () -> JumpHost.parseOne("bad host"));
        assertThrows(IllegalArgumentException.class, () -> JumpHost.parseOne("@host"));
        assertThrows(IllegalArgumentException.class, () -> JumpHost.parseOne("host:"));
    }

    @Test
    void deadlineNeverHandsJschAZeroTimeout() {
        Deadline passed = new Deadline(System.nanoTime() - 1_000_000);
        assertTrue(passed.passed());
        assertEquals(1, passed.boundedMillis(Duration.ofSeconds(10)));
        Deadline later = Deadline.after(Duration.ofSeconds(30));
        assertEquals(5_000, later.boundedMillis(Duration.ofSeconds(5)));
    }

    @Test
    void watchdogFiresOnceAtTheDeadlineUnlessDisarmed() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        try (Watchdog w = Watchdog.start(Deadline.after(Duration.ofMillis(50)), () -> ran.set(true), "t")) {
            Thread.sleep(300);
            assertTrue(w.fired());
        }
        assertTrue(ran.get());
        AtomicBoolean ranLate = new AtomicBoolean();
        try (Watchdog w = Watchdog.start(Deadline.after(Duration.ofMillis(200)), () -> ranLate.set(true), "t")) {
            w.disarm();
            Thread.sleep(400);
            assertFalse(w.fired());
        }
        assertFalse(ranLate.get());
    }
}
