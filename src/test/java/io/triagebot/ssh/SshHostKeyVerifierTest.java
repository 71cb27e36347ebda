package io.triagebot.ssh;

import static com.jcraft.jsch.HostKeyRepository.CHANGED;
import static com.jcraft.jsch.HostKeyRepository.NOT_INCLUDED;
import static com.jcraft.jsch.HostKeyRepository.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jcraft.jsch.JSch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host key policy decisions on synthetic keys; the real handshake is covered by SshScriptRunnerIT. */
class SshHostKeyVerifierTest {

    @TempDir
    Path dir;

    private static byte[] ed25519(int fill) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) fill);
        return ByteBuffer.allocate(4 + 11 + 4 + 32).putInt(11).put("ssh-ed25519".getBytes(StandardCharsets.US_ASCII))
                .putInt(32).put(key).array();
    }

    private static String line(String host, byte[] blob) {
        return host + " ssh-ed25519 " + Base64.getEncoder().encodeToString(blob) + "\n";
    }

    private HostKeyVerifier verifier(Path file, StrictHostKeyChecking policy) throws Exception {
        return HostKeyVerifier.load(new JSch(), List.of(file), policy);
    }

    @Test
    void strictPolicyReportsKnownChangedAndUnknown() throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, line("[10.0.0.1]:2222", ed25519(1)) + line("db-3", ed25519(2)));
        HostKeyVerifier v = verifier(file, StrictHostKeyChecking.YES);
        assertEquals(OK, v.check("[10.0.0.1]:2222", ed25519(1)));
        assertEquals(CHANGED, v.check("[10.0.0.1]:2222", ed25519(9)));
        assertEquals("[10.0.0.1]:2222", v.presented().host());
        assertEquals(HostKeyVerifier.fingerprint(ed25519(9)), v.presented().fingerprint());
        assertEquals(NOT_INCLUDED, v.check("[10.0.0.2]:2222", ed25519(1)));
        assertEquals(CHANGED, v.check("db-3", ed25519(3)));
    }

    @Test
    void aPortlessEntryDoesNotMakeAnotherPortLookChanged() throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, line("10.0.0.1", ed25519(1)));
        HostKeyVerifier v = verifier(file, StrictHostKeyChecking.YES);
        assertEquals(NOT_INCLUDED, v.check("[10.0.0.1]:2222", ed25519(2)), "another server, not an impostor");
        assertEquals(CHANGED, v.check("10.0.0.1", ed25519(2)));
    }

    @Test
    void acceptNewAppendsUnknownKeysButStillRefusesChangedOnes() throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, "# keep me\n" + line("[10.0.0.1]:2222", ed25519(1)).trim()); // no final newline
        HostKeyVerifier v = verifier(file, StrictHostKeyChecking.ACCEPT_NEW);
        assertEquals(OK, v.check("[10.0.0.2]:2200", ed25519(5)));
        assertEquals(CHANGED, v.check("[10.0.0.1]:2222", ed25519(6)));
        assertEquals("# keep me\n" + line("[10.0.0.1]:2222", ed25519(1)) + line("[10.0.0.2]:2200", ed25519(5)),
                Files.readString(file));
    }

    @Test
    void acceptNewCreatesAMissingFileAndItsDirectory() throws Exception {
        Path file = dir.resolve("fresh/.ssh/known_hosts");
        HostKeyVerifier v = verifier(file, StrictHostKeyChecking.ACCEPT_NEW);
        assertEquals(OK, v.check("db-3", ed25519(7)));
        assertEquals(line("db-3", ed25519(7)), Files.readString(file));
    }

    @Test
    void noPolicyAcceptsAnythingAndWritesNothing() throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, line("db-3", ed25519(1)));
        HostKeyVerifier v = verifier(file, StrictHostKeyChecking.NO);
        assertEquals(OK, v.check("db-3", ed25519(2)));
        assertEquals(OK, v.check("db-4", ed25519(2)));
        assertEquals(line("db-3", ed25519(1)), Files.readString(file));
    }

    @Test
    void severalKnownHostsFilesAreConsulted() throws Exception {
        Path first = dir.resolve("a");
        Path second = dir.resolve("b");
        Files.writeString(second, line("db-3", ed25519(1)));
        HostKeyVerifier v = HostKeyVerifier.load(new JSch(), List.of(first, second), StrictHostKeyChecking.YES);
        assertEquals(OK, v.check("db-3", ed25519(1)));
        assertFalse(Files.exists(first));
        assertTrue(v.files().contains(second));
    }
}
