package io.triagebot.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenSSH server on 127.0.0.1 for integration tests: its own temp directory, a fresh ed25519
 * host key, a fresh passphrase-less ed25519 client key in {@code authorized_keys}, public-key login
 * only, logging errors to a file. Close it to stop sshd (and every session it spawned) and delete
 * the directory.
 *
 * <p>Without {@code /usr/sbin/sshd} a test using this is skipped on a developer machine but fails on
 * CI (environment variable {@code CI} set), so a CI image without openssh-server is noticed.
 *
 * <pre>{@code
 * try (TestSshd sshd = TestSshd.start()) {
 *     sshd.writeClientConfig(configFile, "db-3");
 *     ...
 * }
 * }</pre>
 */
public final class TestSshd implements AutoCloseable {

    public static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final String LOOPBACK = "127.0.0.1";
    private static final long STARTUP_MILLIS = 15_000;
    private static final int PORT_ATTEMPTS = 5;

    private final Path dir;
    private final int port;
    private final Process process;
    private final String hostKeyPublic;
    private final Path clientKey;
    private final Path knownHosts;
    private final Path log;

    private TestSshd(Path dir, int port, Process process, String hostKeyPublic, Path clientKey, Path knownHosts,
            Path log) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.hostKeyPublic = hostKeyPublic;
        this.clientKey = clientKey;
        this.knownHosts = knownHosts;
        this.log = log;
    }

    /** Skips the calling test when sshd is missing, except on CI where that is a failure. */
    public static void assumeAvailable() {
        String missing = null;
        if (!Files.isExecutable(SSHD)) {
            missing = SSHD + " not found";
        } else if (findOnPath("ssh-keygen") == null) {
            missing = "ssh-keygen not found";
        }
        if (missing == null) {
            return;
        }
        if (isCi()) {
            Assertions.fail(missing + ": CI must install openssh-server and openssh-client");
        }
        Assumptions.assumeTrue(false, missing + "; install openssh-server to run the SSH integration tests");
    }

    /** Starts sshd with TCP forwarding allowed (so it can serve as a ProxyJump host). */
    public static TestSshd start() throws IOException {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for the generated sshd_config. */
    public static final class Builder {
        private boolean allowTcpForwarding = true;
        private String logLevel = "ERROR";
        private boolean isolatedHome = true;
        private final List<String> extraConfig = new ArrayList<>();

        private Builder() {
        }

        /** {@code AllowTcpForwarding}; on by default, since ProxyJump needs it on the jump host. */
        public Builder allowTcpForwarding(boolean allow) {
            this.allowTcpForwarding = allow;
            return this;
        }

        /** sshd's LogLevel (ERROR by default); INFO logs every login ("Accepted publickey ..."). */
        public Builder logLevel(String level) {
            this.logLevel = level;
            return this;
        }

        /**
         * By default sessions get HOME in the server's own directory, so the login shell sources no ~/.bashrc
         * of this machine's user (bash does when sshd runs it; the pyenv init in root's costs seconds per
         * login on a busy machine, and tests with deadlines of a few seconds would measure the dotfiles).
         * This puts the user's own HOME back.
         */
        public Builder userHome() {
            this.isolatedHome = false;
            return this;
        }

        /** The default: see {@link #userHome()}. */
        public Builder isolatedHome() {
            this.isolatedHome = true;
            return this;
        }

        /** Raw sshd_config lines, appended after the generated ones. */
        public Builder extraConfig(String... lines) {
            extraConfig.addAll(List.of(lines));
            return this;
        }

        public TestSshd start() throws IOException {
            assumeAvailable();
            return TestSshd.launch(this);
        }
    }

    private static TestSshd launch(Builder options) throws IOException {
        ensurePrivilegeSeparationDir();
        Path dir = Files.createTempDirectory("triagebot-sshd-");
        try {
            Path hostKey = dir.resolve("ssh_host_ed25519_key");
            generateKey(hostKey);
            Path clientKey = dir.resolve("client_ed25519");
            generateKey(clientKey);
            Files.copy(Path.of(clientKey + ".pub"), dir.resolve("authorized_keys"));
            Files.createDirectories(dir.resolve("home"));
            String hostKeyPublic = publicKeyWithoutComment(Path.of(hostKey + ".pub"));
            Path log = dir.resolve("sshd.log");
            String lastFailure = "";
            for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
                int port = freePort();
                Path config = dir.resolve("sshd_config");
                Files.writeString(config, sshdConfig(dir, hostKey, port, options));
                Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
                if (awaitBanner(process, port)) {
                    Path knownHosts = dir.resolve("known_hosts");
                    Files.writeString(knownHosts, "[" + LOOPBACK + "]:" + port + " " + hostKeyPublic + "\n");
                    return new TestSshd(dir, port, process, hostKeyPublic, clientKey, knownHosts, log);
                }
                stop(process);
                lastFailure = Files.exists(log) ? Files.readString(log) : "";
                if (!lastFailure.contains("Address already in use") && !lastFailure.contains("Cannot bind")) {
                    break; // not a port race: retrying will not help
                }
            }
            throw new IllegalStateException("sshd did not start; its log says: " + lastFailure.strip());
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static String sshdConfig(Path dir, Path hostKey, int port, Builder options) {
        List<String> lines = new ArrayList<>(List.of(
                "Port " + port,
                "ListenAddress " + LOOPBACK,
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "StrictModes no",
                "UsePAM no",
                "PermitRootLogin yes",
                "UseDNS no",
                "X11Forwarding no",
                "PrintMotd no",
                "PrintLastLog no",
                "MaxStartups 100",
                "MaxSessions 50",
                "LogLevel " + options.logLevel,
                options.isolatedHome ? "SetEnv HOME=" + dir.resolve("home") : "# HOME as the user's",
                "AllowTcpForwarding " + (options.allowTcpForwarding ? "yes" : "no")));
        lines.addAll(options.extraConfig);
        return String.join("\n", lines) + "\n";
    }

    /** sshd refuses to start as root without its privilege separation directory. */
    private static void ensurePrivilegeSeparationDir() {
        Path privsep = Path.of("/run/sshd");
        if (!Files.isDirectory(privsep)) {
            try {
                Files.createDirectories(privsep);
            } catch (IOException e) {
                // not root: sshd then runs unprivileged and does not need it
            }
        }
    }

    /** Waits until the port answers with an SSH banner, or sshd dies, or time runs out. */
    private static boolean awaitBanner(Process process, int port) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STARTUP_MILLIS);
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
                socket.setSoTimeout(2_000);
                BufferedReader reader = new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String banner = reader.readLine();
                if (banner != null && banner.startsWith("SSH-2.0-")) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(50);
        }
        return false;
    }

    /** A fresh ed25519 key pair without passphrase: {@code file} and {@code file.pub}. */
    public static Path generateKey(Path file) throws IOException {
        run(List.of(keygen(), "-q", "-t", "ed25519", "-N", "", "-C", "triagebot-test", "-f", file.toString()));
        return file;
    }

    /** Hashes the host names of a known_hosts file in place, as {@code HashKnownHosts yes} would. */
    public static void hashKnownHosts(Path knownHostsFile) throws IOException {
        run(List.of(keygen(), "-q", "-H", "-f", knownHostsFile.toString()));
        Files.deleteIfExists(Path.of(knownHostsFile + ".old"));
    }

    /** {@code type base64} of a public key file, i.e. what follows the host in known_hosts. */
    public static String publicKeyWithoutComment(Path publicKeyFile) throws IOException {
        String[] parts = Files.readString(publicKeyFile).trim().split("\\s+");
        return parts[0] + " " + parts[1];
    }

    public int port() {
        return port;
    }

    /** Always 127.0.0.1. */
    public String host() {
        return LOOPBACK;
    }

    /** The host key as {@code ssh-ed25519 AAAA...}. */
    public String hostKeyPublic() {
        return hostKeyPublic;
    }

    /** The host key's fingerprint as OpenSSH prints it ({@code ssh-keygen -l}), e.g. {@code SHA256:abc...}. */
    public String hostKeyFingerprint() throws IOException {
        String listing = runForOutput(List.of(keygen(), "-l", "-E", "sha256", "-f",
                dir.resolve("ssh_host_ed25519_key.pub").toString()));
        return listing.trim().split("\\s+")[1];
    }

    /** The known_hosts line for this server: {@code [127.0.0.1]:PORT ssh-ed25519 AAAA...}. */
    public String knownHostsLine() {
        return "[" + LOOPBACK + "]:" + port + " " + hostKeyPublic;
    }

    /** Private key accepted by this server (its {@code .pub} sits next to it). */
    public Path clientKeyPath() {
        return clientKey;
    }

    /** A known_hosts file holding exactly this server's key. */
    public Path knownHostsPath() {
        return knownHosts;
    }

    public Path directory() {
        return dir;
    }

    /** Authorizes one more public key (e.g. a key loaded into a test ssh-agent). */
    public void authorizeKey(Path publicKeyFile) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), Files.readString(publicKeyFile),
                StandardOpenOption.APPEND);
    }

    /** Logins sshd accepted so far; needs {@link Builder#logLevel} INFO or more. */
    public long acceptedLogins() {
        return logText().lines().filter(l -> l.contains("Accepted publickey")).count();
    }

    /** What sshd logged (errors only), for assertion messages. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * Appends a {@code Host alias} block for this server to an ssh client config file (creating it).
     * {@code extraLines} come first inside the block so that, first value winning, they override
     * the defaults written after them: HostName 127.0.0.1, Port, User (the current user),
     * IdentityFile, UserKnownHostsFile, StrictHostKeyChecking yes, IdentitiesOnly yes.
     */
    public Path writeClientConfig(Path file, String alias, String... extraLines) throws IOException {
        return writeClientConfig(file, alias, clientKey, extraLines);
    }

    /**
     * Like {@link #writeClientConfig(Path, String, String...)} but offering {@code identityFile}
     * instead of the key this server accepts (IdentityFile lines accumulate, so an extra line could
     * not take the accepted key away).
     */
    public Path writeClientConfig(Path file, String alias, Path identityFile, String... extraLines)
            throws IOException {
        StringBuilder block = new StringBuilder("Host ").append(alias).append('\n');
        for (String line : extraLines) {
            block.append("    ").append(line).append('\n');
        }
        block.append("    HostName ").append(LOOPBACK).append('\n')
                .append("    Port ").append(port).append('\n')
                .append("    User ").append(System.getProperty("user.name")).append('\n')
                .append("    IdentityFile \"").append(identityFile).append("\"\n")
                .append("    UserKnownHostsFile \"").append(knownHosts).append("\"\n")
                .append("    StrictHostKeyChecking yes\n")
                .append("    IdentitiesOnly yes\n");
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, block.append('\n').toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return file;
    }

    @Override
    public void close() {
        stop(process);
        killLeftoverSessionProcesses();
        deleteTree(dir);
    }

    /**
     * Without a pty, commands started over SSH survive their session (a test script stuck in
     * {@code sleep 30}, say) and get reparented to init, so they are no longer sshd's descendants.
     * They still carry {@code SSH_CONNECTION=... 127.0.0.1 PORT} in their environment: that
     * identifies exactly the processes this server started.
     */
    private void killLeftoverSessionProcesses() {
        String marker = " " + LOOPBACK + " " + port;
        ProcessHandle.allProcesses().forEach(handle -> {
            Path environ = Path.of("/proc", Long.toString(handle.pid()), "environ");
            try {
                for (String variable : Files.readString(environ, StandardCharsets.ISO_8859_1).split("\0")) {
                    if (variable.startsWith("SSH_CONNECTION=") && variable.endsWith(marker)) {
                        handle.destroyForcibly();
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone already, or not ours to read
            }
        });
    }

    private static void stop(Process process) {
        // Session children first: a hung test script must not outlive its server.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    private static String keygen() {
        Path keygen = findOnPath("ssh-keygen");
        if (keygen == null) {
            throw new IllegalStateException("ssh-keygen not found on PATH");
        }
        return keygen.toString();
    }

    private static Path findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String entry : (path + ":/usr/bin:/bin").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
                return Path.of(entry, name);
            }
        }
        return null;
    }

    private static void run(List<String> command) throws IOException {
        runForOutput(command);
    }

    private static String runForOutput(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted running " + command.get(0), e);
        }
    }

    static boolean isCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp dir is not worth failing a test over
        }
    }
}
