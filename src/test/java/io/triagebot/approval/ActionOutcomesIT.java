package io.triagebot.approval;

import static io.triagebot.testsupport.BotHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.runbook.RunbookCatalog;
import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.ssh.SshConfigFile;
import io.triagebot.ssh.SshTargetConnector;
import io.triagebot.store.Database;
import io.triagebot.testsupport.GatedTee;
import io.triagebot.testsupport.LiveTests;
import io.triagebot.testsupport.TestDatabases;
import io.triagebot.testsupport.TestRunbooks;
import io.triagebot.testsupport.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How actions end, run over SSH against the test sshd on 127.0.0.1 with a test catalog that sets
 * vm.swappiness (always put back; root only), on a host whose tee the test can hold: one login per action, a step timeout that is
 * TIMED_OUT and can be rolled back, rollbacks needing the runbook's approvals from people other than the
 * requester and whoever asked for the rollback, a changed catalog refused, and pids bound to their start time.
 */
class ActionOutcomesIT {

    @TempDir
    Path dir;

    static final Path SWAPPINESS = Path.of("/proc/sys/vm/swappiness");

    TestSshd sshd;
    GatedTee gated;
    TestDatabases.TestDatabase tdb;
    Database db;
    IncidentStore incidents;
    Incident incident;
    String original;

    @BeforeEach
    void start() throws Exception {
        LiveTests.requireOrSkip(LiveTests.isRoot(), "changes vm.swappiness and bind-mounts a gated tee: needs root");
        TestSshd.assumeAvailable();
        original = swappiness();
        Files.writeString(SWAPPINESS, "60\n");
        gated = GatedTee.create(dir.resolve("gated"));
        sshd = TestSshd.builder().logLevel("INFO").extraConfig(gated.forceCommand()).start();
        tdb = TestDatabases.create("h2");
        db = Database.open(tdb.settings());
        incidents = new IncidentStore(db);
        incident = incidents.open("C1", "U1", "db-3", Instant.now(), "requested",
                i -> new OutgoingMessage(OutboxKind.ANCHOR, "{}"));
    }

    @AfterEach
    void stop() throws Exception {
        if (gated != null) {
            gated.disarm();
            gated.release(); // a tee still at the gate goes on, and ends
        }
        if (original != null) {
            Files.writeString(SWAPPINESS, original + "\n");
        }
        if (db != null) {
            db.close();
        }
        if (tdb != null) {
            tdb.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void oneLoginPerActionAndARollbackNeedsAsManyApprovalsFromOthers() throws Exception {
        ApprovalService service = service(catalog("tee", 2), Duration.ofSeconds(10));
        ActionRecord proposed = service.propose(incident, TestRunbooks.report(Map.of("value", "10")), null).get(0);
        assertEquals(2, proposed.approvalsRequired());
        assertInstanceOf(ApprovalDecision.Refused.class, service.approve(proposed.token(), "U1"), "the requester");
        assertInstanceOf(ApprovalDecision.Waiting.class, service.approve(proposed.token(), "U2"));
        long logins = sshd.acceptedLogins();
        ApprovalDecision.Executed ran = assertInstanceOf(ApprovalDecision.Executed.class,
                service.approve(proposed.token(), "U3"));
        assertTrue(ran.execution().succeeded(), ran.execution().output());
        assertTrue(ran.execution().applied(), "the read-back sees the new value");
        assertEquals("10", swappiness());
        assertEquals(1, sshd.acceptedLogins() - logins, "precondition, capture, command and read-back: one login\n"
                + sshd.logText());
        assertTrue(ran.execution().output().contains("precondition exit 0; capture exit 0; command exit 0;"
                + " read-back exit 0"), ran.execution().output());
        assertEquals("60", ran.action().previousValue().strip());

        ActionRecord rollback = service.proposeRollback(proposed.token(), "U4").orElseThrow();
        assertEquals(2, rollback.approvalsRequired(), "a rollback needs as many approvals as its runbook");
        assertEquals("U4", rollback.proposedBy());
        ApprovalDecision.Refused byProposer = assertInstanceOf(ApprovalDecision.Refused.class,
                service.approve(rollback.token(), "U4"), "who asked for the rollback");
        assertTrue(byProposer.reason().contains("asked for this rollback"), byProposer.reason());
        assertInstanceOf(ApprovalDecision.Refused.class, service.approve(rollback.token(), "U1"), "the requester");
        assertInstanceOf(ApprovalDecision.Waiting.class, service.approve(rollback.token(), "U2"));
        assertEquals("10", swappiness(), "one approval of two runs nothing");
        logins = sshd.acceptedLogins();
        ApprovalDecision.Executed back = assertInstanceOf(ApprovalDecision.Executed.class,
                service.approve(rollback.token(), "U3"));
        assertTrue(back.execution().succeeded(), back.execution().output());
        assertEquals("60", swappiness());
        assertEquals(1, sshd.acceptedLogins() - logins, "the rollback and its read-back: one login");
        assertEquals(ActionState.ROLLED_BACK, service.store().find(proposed.id()).orElseThrow().state());
    }

    @Test
    void aStepTimeoutIsTimedOutKeepsTheCapturedValueAndCanBeRolledBack() throws Exception {
        // The command's tee waits at the gate nobody opens.
        ApprovalService service = service(catalog("tee", 1), Duration.ofSeconds(2));
        ActionRecord proposed = service.propose(incident, TestRunbooks.report(Map.of("value", "10")), null).get(0);
        gated.arm();
        long started = System.nanoTime();
        ApprovalDecision.Executed ran = assertInstanceOf(ApprovalDecision.Executed.class,
                service.approve(proposed.token(), "U2"));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMillis < 10_000, "stopped at the step timeout, not the run's: " + tookMillis + " ms");
        ActionRecord timedOut = service.store().find(proposed.id()).orElseThrow();
        assertEquals(ActionState.TIMED_OUT, timedOut.state(), ran.execution().output());
        assertEquals("command", timedOut.step());
        assertEquals("60", timedOut.previousValue().strip(), "captured and stored before the command ran");
        assertTrue(ran.execution().output().contains("may have taken effect"), ran.execution().output());
        // Let the held tee go on and end (whether it then changed anything is what "may have" means).
        await(gated::blocked, 10, "the tee at the gate");
        gated.release();
        await(gated::finished, 10, "the held tee finished");

        ActionRecord rollback = service.proposeRollback(proposed.token(), "U3").orElseThrow();
        ApprovalDecision.Executed back = assertInstanceOf(ApprovalDecision.Executed.class,
                service.approve(rollback.token(), "U2"));
        assertTrue(back.execution().succeeded(), back.execution().output());
        assertEquals("60", swappiness(), "the rollback restored the captured value");
    }

    @Test
    void aChangedCatalogRefusesToRunWhatTheCardDidNotShow() throws Exception {
        ApprovalService before = service(catalog("tee", 1), Duration.ofSeconds(10));
        ActionRecord proposed = before.propose(incident, TestRunbooks.report(Map.of("value", "10")), null).get(0);
        ApprovalService after = service(catalog("sysctl", 1), Duration.ofSeconds(10));
        long logins = sshd.acceptedLogins();
        ApprovalDecision.Executed refused = assertInstanceOf(ApprovalDecision.Executed.class,
                after.approve(proposed.token(), "U2"));
        assertFalse(refused.execution().succeeded());
        assertTrue(refused.execution().output().contains("changed since this card was proposed"),
                refused.execution().output());
        assertEquals("60", swappiness(), "nothing ran");
        assertEquals(0, sshd.acceptedLogins() - logins, "not even a login");
        assertEquals(ActionState.FAILED, after.store().find(proposed.id()).orElseThrow().state());
    }

    @Test
    void aPidWhoseStartTimeDiffersIsRefusedAtExecutionAndAtRollback() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            String pid = Long.toString(sleeper.pid());
            long start = startTime(sleeper.pid());
            int niceBefore = nice(sleeper.pid());
            ApprovalService service = service(RunbookCatalogLoader.loadBuiltIn(), Duration.ofSeconds(10));
            RunbookCatalog builtIn = RunbookCatalogLoader.loadBuiltIn();
            var renice = builtIn.resolve("renice", Map.of("pid", pid, "nice", "7"));
            String pin = ActionPin.of(renice.render(), renice.rollbackTemplate());

            // The recorded start time is not this process's: as if the pid had been reused since the triage.
            ActionRecord reused = service.store().propose(new ActionStore.Proposal(incident.id(), "cpu-saturation",
                    "renice", "db-3", renice.values(), null, "U1", 1, null, Double.NaN, "U1", pin,
                    Map.of("pid", start + 1)), Instant.now(), Instant.now().plusSeconds(600));
            ApprovalDecision.Executed refused = assertInstanceOf(ApprovalDecision.Executed.class,
                    service.approve(reused.token(), "U2"));
            assertFalse(refused.execution().succeeded());
            assertTrue(refused.execution().output().contains("is not the process the card named"),
                    refused.execution().output());
            assertEquals(niceBefore, nice(sleeper.pid()), "the process was not touched");

            ActionRecord bound = service.store().propose(new ActionStore.Proposal(incident.id(), "cpu-saturation",
                    "renice", "db-3", renice.values(), null, "U1", 1, null, Double.NaN, "U1", pin,
                    Map.of("pid", start)), Instant.now(), Instant.now().plusSeconds(600));
            ApprovalDecision.Executed ran = assertInstanceOf(ApprovalDecision.Executed.class,
                    service.approve(bound.token(), "U2"));
            assertTrue(ran.execution().succeeded(), ran.execution().output());
            assertEquals(7, nice(sleeper.pid()));

            // Between the change and its rollback the pid is "reused": the rollback is refused too.
            ActionRecord rollback = service.proposeRollback(bound.token(), "U3").orElseThrow();
            setBindings(rollback.id(), "{\"pid\":" + (start + 5) + "}");
            ApprovalDecision.Executed back = assertInstanceOf(ApprovalDecision.Executed.class,
                    service.approve(rollback.token(), "U2"));
            assertFalse(back.execution().succeeded());
            assertTrue(back.execution().output().contains("is not the process the card named"),
                    back.execution().output());
            assertEquals(7, nice(sleeper.pid()), "the rollback did not touch it");
        } finally {
            sleeper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    // ---- helpers ----

    private ApprovalService service(RunbookCatalog catalog, Duration stepTimeout) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path config = sshd.writeClientConfig(home.resolve("ssh_config"), "db-3");
        SshTargetConnector connector = new SshTargetConnector(SshConfigFile.load(config, true, home,
                System.getProperty("user.name")), Map.of());
        return new ApprovalService(new ActionStore(db), incidents, catalog,
                new ApprovalPolicy(Set.of(), Set.of(), false, g -> Set.of()), new ActionExecutor(stepTimeout),
                connector::runnerFor, new io.triagebot.slack.SlackActionPresenter(),
                ApprovalService.Observer.NONE, Clock.systemUTC(), Duration.ofMinutes(15));
    }

    /**
     * A catalog of one runbook, {@code test-swappiness}: vm.swappiness set with {@code tee} (which the gated
     * host can hold at its gate) or, as "another version" of the same runbook, with {@code sysctl -w};
     * rolled back with sysctl.
     */
    private RunbookCatalog catalog(String variant, int approvals) throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks-" + variant + approvals));
        Files.writeString(runbooks.resolve("memory.yaml"), TestRunbooks.yaml(variant, approvals));
        return RunbookCatalogLoader.load(runbooks);
    }

    private void setBindings(long actionId, String json) throws Exception {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE action SET bindings = ? WHERE id = ?")) {
            ps.setString(1, json);
            ps.setLong(2, actionId);
            assertEquals(1, ps.executeUpdate());
        }
    }

    static String swappiness() throws Exception {
        return LiveTests.readKernelFile(SWAPPINESS).strip();
    }

    /** Field 22 of /proc/PID/stat. */
    static long startTime(long pid) throws Exception {
        return Long.parseLong(statFields(pid)[19]);
    }

    private static int nice(long pid) throws Exception {
        return Integer.parseInt(statFields(pid)[16]);
    }

    /** Fields from 3 on (after the command name): field N is index N - 3. */
    private static String[] statFields(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(") ") + 2).strip().split(" ");
    }
}
