package io.triagebot.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.probe.HostName;
import io.triagebot.probe.RunOutput;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.TargetException;
import io.triagebot.probe.TargetException.Kind;
import io.triagebot.testsupport.ScriptRuns;
import io.triagebot.testsupport.TestSshd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH adapter against a real OpenSSH server on 127.0.0.1. Every address used is loopback.
 * One server is shared; tests that need special servers (jump hosts) start their own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SshScriptRunnerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final int ONE_MIB = 1024 * 1024;

    private static TestSshd sshd;

    /** A scratch home, so the developer's own ~/.ssh never takes part. */
    @TempDir
    Path home;

    private Path config;

    @BeforeAll
    static void startServer() throws IOException {
        sshd = TestSshd.start();
    }

    @AfterAll
    static void stopServer() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        config = Files.createDirectories(home.resolve(".ssh")).resolve("config");
    }

    private ScriptRunner runner(String alias) throws Exception {
        return runner(alias, Map.of());
    }

    private ScriptRunner runner(String alias, Map<String, String> env) throws Exception {
        SshConfigFile file = SshConfigFile.load(config, true, home, System.getProperty("user.name"));
        return new SshTargetConnector(file, env).runnerFor(new HostName(alias));
    }

    private TargetException failure(String alias, String script) throws Exception {
        ScriptRunner runner = runner(alias);
        return ScriptRuns.timedFailure(TargetException.class, () -> ScriptRuns.run(runner, script)).exception();
    }

    private static void assertOneLine(TargetException e, String alias) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(alias + ": "), e.getMessage());
        assertEquals(alias, e.target());
    }

    @Test
    void runsTheScriptAndReturnsStdoutStderrAndExitCode() throws Exception {
        sshd.writeClientConfig(config, "db-3");
        RunOutput out = ScriptRuns.run(runner("db-3"),
                "echo hello\nprintf 'second line\\n'\necho oops >&2\nexit 3\n");
        assertEquals("hello\nsecond line\n", ScriptRuns.stdout(out), sshd.logText());
        assertEquals(3, out.exitCode());
        assertFalse(out.deadlineReached());
        assertFalse(out.outputCapped());
        assertEquals("oops\n", out.stderr());
    }

    @Test
    void oneRunnerServesSeveralRunsAndSeveralHostsRunConcurrently() throws Exception {
        sshd.writeClientConfig(config, "db-1");
        sshd.writeClientConfig(config, "db-2");
        ScriptRunner first = runner("db-1");
        ScriptRunner second = runner("db-2");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RunOutput>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ScriptRunner r = i % 2 == 0 ? first : second;
                String script = "echo run-" + i + "\n";
                runs.add(pool.submit(() -> ScriptRuns.run(r, script)));
            }
            for (int i = 0; i < runs.size(); i++) {
                RunOutput out = runs.get(i).get(30, TimeUnit.SECONDS);
                assertEquals("run-" + i + "\n", ScriptRuns.stdout(out));
                assertEquals(0, out.exitCode());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void outputUpToTheCapArrivesIntact() throws Exception {
        sshd.writeClientConfig(config, "db-3");
        RunOutput out = ScriptRuns.run(runner("db-3"), "head -c 3000000 /dev/zero | tr '\\0' 'z'\n",
                DEADLINE, 4 * ONE_MIB);
        assertEquals(3_000_000, out.stdout().length);
        assertEquals('z', out.stdout()[2_999_999]);
        assertEquals(0, out.exitCode());
        assertFalse(out.outputCapped());
    }

    @Test
    void changedHostKeyIsRefusedLoudly() throws Exception {
        Path otherKey = TestSshd.generateKey(home.resolve("impostor"));
        Path knownHosts = home.resolve("known_hosts_changed");
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port() + " "
                + TestSshd.publicKeyWithoutComment(Path.of(otherKey + ".pub")) + "\n");
        sshd.writeClientConfig(config, "db-3", "UserKnownHostsFile " + knownHosts);
        TargetException e = failure("db-3", "echo should-not-run\n");
        assertEquals(Kind.HOST_KEY_CHANGED, e.kind(), e.getMessage());
        assertOneLine(e, "db-3");
        String fingerprint = sshd.hostKeyFingerprint();
        assertTrue(e.getMessage().startsWith("db-3: REMOTE HOST KEY HAS CHANGED for [127.0.0.1]:" + sshd.port()
                + " (ssh-ed25519 " + fingerprint + ")!"), e.getMessage());
        assertTrue(e.getMessage().contains("man-in-the-middle"), e.getMessage());
        assertTrue(e.getMessage().endsWith("update " + knownHosts + "."), e.getMessage());
    }

    @Test
    void changedHostKeyIsRefusedEvenUnderAcceptNew() throws Exception {
        Path otherKey = TestSshd.generateKey(home.resolve("impostor"));
        Path knownHosts = home.resolve("known_hosts_changed");
        String line = "[127.0.0.1]:" + sshd.port() + " " + TestSshd.publicKeyWithoutComment(Path.of(otherKey + ".pub"));
        Files.writeString(knownHosts, line + "\n");
        sshd.writeClientConfig(config, "db-3", "UserKnownHostsFile " + knownHosts,
                "StrictHostKeyChecking accept-new");
        assertEquals(Kind.HOST_KEY_CHANGED, failure("db-3", "true\n").kind());
        assertEquals(line + "\n", Files.readString(knownHosts), "known_hosts must not be touched");
    }

    @Test
    void unknownHostKeyIsRefusedUnderStrictCheckingWithAdvice() throws Exception {
        Path knownHosts = home.resolve("known_hosts_empty");
        sshd.writeClientConfig(config, "db-3", "UserKnownHostsFile " + knownHosts);
        TargetException e = failure("db-3", "true\n");
        assertEquals(Kind.HOST_KEY_UNKNOWN, e.kind(), e.getMessage());
        assertOneLine(e, "db-3");
        assertTrue(e.getMessage().contains("ssh-ed25519 SHA256:"), e.getMessage());
        assertTrue(e.getMessage().contains("ssh-keyscan -p " + sshd.port() + " 127.0.0.1 >> " + knownHosts),
                e.getMessage());
        assertFalse(Files.exists(knownHosts), "strict checking never writes known_hosts");
    }

    @Test
    void acceptNewRecordsTheKeyAndLaterStrictRunsTrustIt() throws Exception {
        Path knownHosts = home.resolve("kh/known_hosts");
        sshd.writeClientConfig(config, "db-3", "UserKnownHostsFile " + knownHosts,
                "StrictHostKeyChecking accept-new");
        assertEquals("first\n", ScriptRuns.stdout(ScriptRuns.run(runner("db-3"), "echo first\n")));
        assertEquals(sshd.knownHostsLine() + "\n", Files.readString(knownHosts));

        Files.delete(config);
        sshd.writeClientConfig(config, "db-3", "UserKnownHostsFile " + knownHosts);
        assertEquals("again\n", ScriptRuns.stdout(ScriptRuns.run(runner("db-3"), "echo again\n")));
        assertEquals(sshd.knownHostsLine() + "\n", Files.readString(knownHosts), "no duplicate entry");
    }

    @Test
    void hashedKnownHostsEntriesAreHonoured() throws Exception {
        Path knownHosts = home.resolve("known_hosts_hashed");
        Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
        TestSshd.hashKnownHosts(knownHosts);
        assertTrue(Files.readString(knownHosts).startsWith("|1|"), "ssh-keygen -H should have hashed it");
        sshd.writeClientConfig(config, "db-3", "UserKnownHostsFile " + knownHosts);
        assertEquals("ok\n", ScriptRuns.stdout(ScriptRuns.run(runner("db-3"), "echo ok\n")));
    }

    @Test
    void strictNoAcceptsAnyKeyWithoutWritingIt() throws Exception {
        Path otherKey = TestSshd.generateKey(home.resolve("impostor"));
        Path knownHosts = home.resolve("known_hosts_changed");
        String line = "[127.0.0.1]:" + sshd.port() + " " + TestSshd.publicKeyWithoutComment(Path.of(otherKey + ".pub"));
        Files.writeString(knownHosts, line + "\n");
        sshd.writeClientConfig(config, "db-3", "UserKnownHostsFile " + knownHosts, "StrictHostKeyChecking no");
        assertEquals("ok\n", ScriptRuns.stdout(ScriptRuns.run(runner("db-3"), "echo ok\n")));
        assertEquals(line + "\n", Files.readString(knownHosts));
    }

    @Test
    void wrongKeyFailsAuthenticationNamingUserAndKeys() throws Exception {
        Path wrongKey = TestSshd.generateKey(home.resolve("wrong_key"));
        sshd.writeClientConfig(config, "db-3", wrongKey, "IdentityFile " + home.resolve("missing_key"));
        TargetException e = failure("db-3", "true\n");
        assertEquals(Kind.AUTH_FAILED, e.kind(), e.getMessage());
        assertOneLine(e, "db-3");
        String user = System.getProperty("user.name");
        assertTrue(e.getMessage().contains(user + "@127.0.0.1:" + sshd.port()), e.getMessage());
        assertTrue(e.getMessage().contains(wrongKey.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not found: " + home.resolve("missing_key")), e.getMessage());
    }

    @Test
    void unreadableKeyFileIsAConfigError() throws Exception {
        Path garbage = home.resolve("garbage_key");
        Files.writeString(garbage, "this is not a private key\n");
        sshd.writeClientConfig(config, "db-3", garbage);
        TargetException e = failure("db-3", "true\n");
        assertEquals(Kind.CONFIG, e.kind(), e.getMessage());
        assertOneLine(e, "db-3");
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
    }

    @Test
    void sshAgentKeysAreUsedAndABrokenAgentFallsBackToFiles() throws Exception {
        Path agentBinary = Path.of("/usr/bin/ssh-agent");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(agentBinary), "ssh-agent not installed");
        Path agentKey = TestSshd.generateKey(home.resolve("agent_key"));
        sshd.authorizeKey(Path.of(agentKey + ".pub"));
        Path socket = home.resolve("agent.sock");
        Process agent = new ProcessBuilder(agentBinary.toString(), "-D", "-a", socket.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(20);
            }
            ProcessBuilder addKey = new ProcessBuilder("ssh-add", agentKey.toString()).redirectErrorStream(true);
            addKey.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process add = addKey.start();
            add.getInputStream().readAllBytes();
            assertTrue(add.waitFor(10, TimeUnit.SECONDS));
            Files.delete(agentKey); // only the agent holds the private key now
            // No usable IdentityFile: only the agent can log us in.
            Files.writeString(config, "Host via-agent\n"
                    + "    HostName 127.0.0.1\n"
                    + "    Port " + sshd.port() + "\n"
                    + "    User " + System.getProperty("user.name") + "\n"
                    + "    IdentityFile " + home.resolve("none_here") + "\n"
                    + "    UserKnownHostsFile " + sshd.knownHostsPath() + "\n");
            assertEquals("agent\n", ScriptRuns.stdout(ScriptRuns.run(
                    runner("via-agent", Map.of("SSH_AUTH_SOCK", socket.toString())), "echo agent\n")));
        } finally {
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
        }
        Files.delete(config);
        sshd.writeClientConfig(config, "db-3");
        RunOutput out = ScriptRuns.run(runner("db-3", Map.of("SSH_AUTH_SOCK", home.resolve("dead.sock").toString())),
                "echo files\n");
        assertEquals("files\n", ScriptRuns.stdout(out));
    }

    @Test
    void closedPortIsConnectionRefused() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        sshd.writeClientConfig(config, "db-3", "Port " + closed);
        ScriptRunner runner = runner("db-3");
        var failure = ScriptRuns.timedFailure(TargetException.class, () -> ScriptRuns.run(runner, "true\n"));
        TargetException e = failure.exception();
        assertEquals(Kind.CONNECTION_REFUSED, e.kind(), e.getMessage());
        assertOneLine(e, "db-3");
        assertTrue(e.getMessage().contains("127.0.0.1:" + closed), e.getMessage());
        assertTrue(failure.elapsed().toSeconds() < 5, "took " + failure.elapsed());
    }

    @Test
    void serverThatNeverGreetsTimesOutWithinConnectTimeout() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            sshd.writeClientConfig(config, "db-3", "Port " + silent.port(), "ConnectTimeout 2");
            ScriptRunner runner = runner("db-3");
            var failure = ScriptRuns.timedFailure(TargetException.class, () -> ScriptRuns.run(runner, "true\n"));
            TargetException e = failure.exception();
            assertEquals(Kind.CONNECT_TIMEOUT, e.kind(), e.getMessage());
            assertOneLine(e, "db-3");
            assertTrue(e.getMessage().contains("within 2 s"), e.getMessage());
            long millis = failure.elapsed().toMillis();
            assertTrue(millis >= 1_500 && millis < 5_000, "took " + millis + " ms");
        }
    }

    @Test
    void runDeadlineBoundsTheHandshakeToo() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            sshd.writeClientConfig(config, "db-3", "Port " + silent.port(), "ConnectTimeout 30");
            ScriptRunner runner = runner("db-3");
            var failure = ScriptRuns.timedFailure(TargetException.class,
                    () -> ScriptRuns.run(runner, "true\n", Duration.ofMillis(1500), ONE_MIB));
            assertEquals(Kind.CONNECT_TIMEOUT, failure.exception().kind(), failure.exception().getMessage());
            assertTrue(failure.elapsed().toMillis() < 4_000, "took " + failure.elapsed());
        }
    }

    @Test
    void hangingScriptReturnsPartialOutputAtTheDeadline() throws Exception {
        sshd.writeClientConfig(config, "db-3");
        ScriptRuns.Timed run = ScriptRuns.timed(runner("db-3"), "echo partial\nsleep 30\necho never\n",
                Duration.ofSeconds(3), ONE_MIB);
        assertEquals("partial\n", run.stdout());
        assertTrue(run.output().deadlineReached());
        assertEquals(-1, run.output().exitCode());
        assertTrue(run.elapsed().toMillis() < 6_000, "took " + run.elapsed());
    }

    @Test
    void floodIsCappedWithoutExhaustingMemory() throws Exception {
        sshd.writeClientConfig(config, "db-3");
        ScriptRuns.Timed run = ScriptRuns.timed(runner("db-3"), "head -c 50000000 /dev/zero\n", DEADLINE, ONE_MIB);
        assertTrue(run.output().outputCapped());
        assertEquals(ONE_MIB, run.output().stdout().length);
        assertFalse(run.output().deadlineReached());
        assertTrue(run.elapsed().toMillis() < 15_000, "took " + run.elapsed());
    }

    @Test
    void unknownHostNameFailsFastAsUnknownHost() throws Exception {
        Files.writeString(config, "Host *\n    ConnectTimeout 3\n");
        long start = System.nanoTime();
        var failure = ScriptRuns.timedFailure(TargetException.class, () -> runner("no-such-host.invalid"));
        TargetException e = failure.exception();
        assertEquals(Kind.UNKNOWN_HOST, e.kind(), e.getMessage());
        assertOneLine(e, "no-such-host.invalid");
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5);
    }

    @Test
    void proxyJumpReachesATargetThroughAnotherSshd() throws Exception {
        try (TestSshd target = TestSshd.builder().allowTcpForwarding(false).start()) {
            sshd.writeClientConfig(config, "jump");
            target.writeClientConfig(config, "target", "ProxyJump jump");
            RunOutput out = ScriptRuns.run(runner("target"), "echo \"via $(hostname)\"\nexit 7\n");
            assertTrue(ScriptRuns.stdout(out).startsWith("via "), ScriptRuns.stdout(out));
            assertEquals(7, out.exitCode());
        }
    }

    @Test
    void proxyJumpThroughAHostThatForbidsForwardingSaysSo() throws Exception {
        try (TestSshd noForwarding = TestSshd.builder().allowTcpForwarding(false).start()) {
            noForwarding.writeClientConfig(config, "jump");
            sshd.writeClientConfig(config, "target", "ProxyJump jump");
            TargetException e = failure("target", "true\n");
            assertEquals(Kind.TRANSPORT, e.kind(), e.getMessage());
            assertOneLine(e, "target");
            assertTrue(e.getMessage().contains("AllowTcpForwarding"), e.getMessage());
        }
    }

    @Test
    void proxyJumpToAClosedPortIsRefusedByTheJumpHost() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        sshd.writeClientConfig(config, "jump");
        sshd.writeClientConfig(config, "target", "ProxyJump jump", "Port " + closed);
        TargetException e = failure("target", "true\n");
        assertEquals(Kind.CONNECTION_REFUSED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("jump host jump"), e.getMessage());
    }

    @Test
    void hostKeyProblemsOnAJumpHostNameTheJumpHost() throws Exception {
        try (TestSshd target = TestSshd.start()) {
            sshd.writeClientConfig(config, "jump", "UserKnownHostsFile " + home.resolve("empty_known_hosts"));
            target.writeClientConfig(config, "target", "ProxyJump jump");
            TargetException e = failure("target", "true\n");
            assertEquals(Kind.HOST_KEY_UNKNOWN, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("target: jump host jump: host key for [127.0.0.1]:" + sshd.port()),
                    e.getMessage());
        }
    }

    /** Accepts TCP connections and never says a word: an SSH client must give up by itself. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
