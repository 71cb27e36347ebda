package io.triagebot.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The host key policy of one hop, on top of JSch's known_hosts reader (which handles hashed
 * {@code |1|} entries, {@code [host]:port} entries and {@code @revoked} markers).
 *
 * <p>JSch itself runs with {@code StrictHostKeyChecking=yes}; this repository decides what "known"
 * means: under accept-new an unknown key is appended to the first known_hosts file and reported as
 * known, under no anything is reported as known. It also remembers the key the server presented, so
 * that a refusal can name its fingerprint.
 */
final class HostKeyVerifier implements HostKeyRepository {

    /** What the server presented and how known_hosts judged it. */
    record Presented(String host, String keyType, String fingerprint, int verdict) {
    }

    private final HostKeyRepository known;
    private final List<Path> files;
    private final StrictHostKeyChecking policy;
    private volatile Presented presented;

    private HostKeyVerifier(HostKeyRepository known, List<Path> files, StrictHostKeyChecking policy) {
        this.known = known;
        this.files = files;
        this.policy = policy;
    }

    /**
     * Reads all {@code files} (missing ones are simply empty) into a fresh JSch known_hosts store.
     *
     * @throws IOException when a file exists but cannot be read
     */
    static HostKeyVerifier load(JSch jsch, List<Path> files, StrictHostKeyChecking policy)
            throws IOException, JSchException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Path file : files) {
            if (Files.exists(file)) {
                all.write(Files.readAllBytes(file));
                all.write('\n');
            }
        }
        // Each hop has its own JSch instance, so this store belongs to this hop alone.
        jsch.setKnownHosts(new ByteArrayInputStream(all.toByteArray()));
        return new HostKeyVerifier(jsch.getHostKeyRepository(), List.copyOf(files), policy);
    }

    /** The key seen during the last check, or null if the handshake never got that far. */
    Presented presented() {
        return presented;
    }

    List<Path> files() {
        return files;
    }

    @Override
    public int check(String host, byte[] key) {
        int verdict = known.check(host, key);
        if (verdict == CHANGED && onlyPortlessEntriesApply(host)) {
            // JSch falls back from "[h]:2222" to plain "h" entries, which belong to port 22. A
            // different server on another port of the same machine is unknown, not an impostor
            // (OpenSSH agrees), so it must not raise the man-in-the-middle alarm.
            verdict = NOT_INCLUDED;
        }
        presented = new Presented(host, keyType(key), fingerprint(key), verdict);
        if (verdict == OK) {
            return OK;
        }
        return switch (policy) {
            case YES -> verdict;
            case NO -> OK;
            case ACCEPT_NEW -> {
                if (verdict == NOT_INCLUDED) {
                    remember(host, key);
                    yield OK;
                }
                yield verdict;
            }
        };
    }

    /** True for {@code [h]:port} when known_hosts has no entry for that exact form, only for {@code h}. */
    private boolean onlyPortlessEntriesApply(String host) {
        int close = host.indexOf("]:");
        if (!host.startsWith("[") || close < 2) {
            return false;
        }
        // getHostKey("[h]:p") returns the exact entries plus the fallback ones for "h".
        return known.getHostKey(host, null).length == known.getHostKey(host.substring(1, close), null).length;
    }

    private void remember(String host, byte[] key) {
        if (files.isEmpty()) {
            return; // UserKnownHostsFile none: accept for this run only
        }
        Path file = files.get(0);
        String line = host + " " + keyType(key) + " " + Base64.getEncoder().encodeToString(key) + "\n";
        try {
            Path parent = file.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
            if (Files.exists(file) && Files.size(file) > 0 && !endsWithNewline(file)) {
                line = "\n" + line;
            }
            // O_APPEND keeps concurrent runs for different hosts from clobbering each other's lines.
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            // Like ssh with accept-new: failing to record the key does not stop the connection.
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (var channel = Files.newByteChannel(file)) {
            channel.position(channel.size() - 1);
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last);
            return last.get(0) == '\n';
        }
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // Never called with StrictHostKeyChecking=yes; additions go through remember() instead.
    }

    @Override
    public void remove(String host, String type) {
        // triagebot never deletes known_hosts entries
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        // triagebot never deletes known_hosts entries
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return files.isEmpty() ? null : files.get(0).toString();
    }

    @Override
    public HostKey[] getHostKey() {
        return known.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return known.getHostKey(host, type);
    }

    /** The algorithm name at the start of an SSH public key blob, e.g. {@code ssh-ed25519}. */
    static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return "unknown";
        }
        int len = ByteBuffer.wrap(blob, 0, 4).getInt();
        if (len <= 0 || len > blob.length - 4 || len > 64) {
            return "unknown";
        }
        return new String(blob, 4, len, StandardCharsets.US_ASCII);
    }

    /** OpenSSH's default fingerprint: {@code SHA256:} and unpadded base64. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
