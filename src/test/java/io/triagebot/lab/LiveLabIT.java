package io.triagebot.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.testsupport.CliRun;
import io.triagebot.testsupport.TestSshd;
import static io.triagebot.testsupport.LiveTests.isRoot;
import static io.triagebot.testsupport.LiveTests.requireOrSkip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The whole product against real conditions on this host: {@code lab/lab.sh} induces one condition at
 * a time, {@code triagebot triage ALIAS --json} reaches this host over SSH (a real sshd on 127.0.0.1,
 * {@link TestSshd}) exactly as in production, and the report must name the condition first. The
 * expected patterns come from the fixtures' {@code expected.yaml}, the same files FixtureCorpusTest
 * reads.
 *
 * <p>Needs root and the lab's tools ({@code lab/lab.sh preflight}): skipped without them on a developer
 * machine, a failure on CI ({@code CI=true}). Every condition is stopped in a finally block, and
 * {@code lab.sh stop-all} runs after the class (and from a shutdown hook, should the JVM be killed);
 * load generators also die on their own after {@link #SAFETY_SECONDS}.
 *
 * <p>kmsg runs LAST: kernel log lines cannot be removed, and for an hour afterwards this host's
 * triage reports them as recent escalations (and the OOM lines as an oom-kill finding). When the
 * kernel log holds lab lines from the last hour (tagged "triagebot-lab", or naming the lab's cgroups),
 * the healthy-host test excuses the escalations the lab writes and oom-kill findings that name the
 * lab, and nothing else; the condition tests set those oom-kill findings aside too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LiveLabIT {

    private static final String ALIAS = "lab-host";
    /** Window of each triage: as the fixtures were captured. */
    private static final String WINDOW = "2";
    private static final long SETTLE_MILLIS = 3_000;
    /** Load generators stop by themselves after this, whatever happens to the test JVM. */
    private static final int SAFETY_SECONDS = 300;
    /** The triggers lab.sh kmsg writes, and the oom condition's real OOM reports. */
    private static final Set<String> LAB_TRIGGERS = Set.of("soft-lockup", "hung-task", "rcu-stall", "oom-kill",
            "storage-error", "irq-nobody-cared", "neighbour-table-overflow", "clocksource-unstable",
            "callbacks-suppressed", "cgroup-fork-rejected");

    private static Path projectDir;
    private static Path lab;
    private static TestSshd sshd;
    private static Path sshConfig;
    private static Thread shutdownHook;
    private static boolean sessionHeld;
    /** This JVM holds the lab session while the class runs. */
    private static final String OWNER = Long.toString(ProcessHandle.current().pid());
    private static final int SESSION_WAIT_SECONDS = 300;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        projectDir = Path.of(System.getProperty("triagebot.projectDir", ".")).toAbsolutePath();
        lab = projectDir.resolve("lab").resolve("lab.sh");
        requireOrSkip(Files.isExecutable(lab), lab + " not found or not executable");
        requireOrSkip(isRoot(), "the lab needs root (it creates cgroups, zram swap, nftables rules)");
        // One lab user per host: wait for a capture or another test run to finish with it.
        LabRun session = lab(SESSION_WAIT_SECONDS + 30, "session-begin", OWNER, Integer.toString(SESSION_WAIT_SECONDS));
        requireOrSkip(session.exit() == 0, "lab in use: " + session.output().strip());
        sessionHeld = true;
        LabRun clean = lab(60, "stop-all");
        assertEquals(0, clean.exit(), "lab.sh stop-all before the tests: " + clean.output());
        LabRun preflight = lab(30, "preflight");
        requireOrSkip(preflight.exit() == 0, "lab prerequisites missing: " + preflight.output().strip());
        TestSshd.assumeAvailable();
        shutdownHook = new Thread(() -> {
            try {
                lab(60, "stop-all");
                lab(30, "session-end", OWNER);
            } catch (Exception e) {
                // best effort while the JVM goes down
            }
        }, "lab-stop-all");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        sshd = TestSshd.start();
        sshConfig = sshd.writeClientConfig(dir.resolve("ssh_config"), ALIAS);
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            if (sessionHeld) {
                try {
                    LabRun stop = lab(90, "stop-all");
                    assertEquals(0, stop.exit(), "lab.sh stop-all: " + stop.output());
                    LabRun verify = lab(30, "verify-clean");
                    assertEquals(0, verify.exit(), "the lab left something behind: " + verify.output());
                } finally {
                    lab(30, "session-end", OWNER);
                    sessionHeld = false;
                }
            }
        } finally {
            if (sshd != null) {
                sshd.close();
            }
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
    }

    // -------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void healthyHostIsLowBeforeAnyCondition() throws Exception {
        awaitQuietHost("the healthy-host test");
        JsonNode report = triage();
        boolean labLinesRecent = labLinesInKernelLogWithinAnHour();
        List<String> notHealthy = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            boolean excused = labLinesRecent && isLabHistory(f);
            if (!excused && !f.get("severity").asText().equals("LOW")) {
                notHealthy.add(describe(f));
            }
        }
        for (JsonNode e : report.get("escalations")) {
            if (e.get("recent").asBoolean()
                    && !(labLinesRecent && LAB_TRIGGERS.contains(e.get("trigger").asText()))) {
                notHealthy.add(e.get("trigger").asText() + ": " + e.get("line").asText());
            }
        }
        // Other kernel warnings: the lab's own (kmsg writes two of one unknown warning) are excused.
        for (JsonNode w : report.path("otherKernelWarnings").path("templates")) {
            if (w.get("count").asInt() >= 2 && w.get("ageSeconds").isNumber() && w.get("ageSeconds").asDouble() <= 600
                    && !(labLinesRecent && w.get("line").asText().contains("triagebot-lab"))) {
                notHealthy.add("kernel warning x" + w.get("count").asInt() + ": " + w.get("line").asText());
            }
        }
        assertTrue(notHealthy.isEmpty(), "the healthy host is not LOW: " + notHealthy + "\n" + summary(report));
        if (!labLinesRecent) {
            assertEquals("LOW", report.get("severity").asText(), summary(report));
        }
        // Otherwise the report is HIGH because of the lab's own kernel log lines (kmsg, oom) from the
        // last hour; without them it would be LOW, which is what the loop above checked.
    }

    @Test
    @Order(2)
    void cpuQuotaIsReportedAsCgroupThrottling() throws Exception {
        underCondition("cpu-quota", report -> assertFirstFinding("cpu-quota", report));
    }

    @Test
    @Order(3)
    void swapStormIsReportedAsSwapDeathSpiral() throws Exception {
        underCondition("swap-storm", report -> assertFirstFinding("swap-storm", report));
    }

    @Test
    @Order(4)
    void tcpRetransmitsAreReportedAsTcpCollapse() throws Exception {
        underCondition("tcp-retrans", report -> assertFirstFinding("tcp-retrans", report));
    }

    @Test
    @Order(5)
    void listenOverflowIsReportedAsTcpCollapseNamingThePort() throws Exception {
        underCondition("listen-overflow", report -> {
            assertFirstFinding("listen-overflow", report);
            String port = String.valueOf(expected("listen-overflow").get("names-port"));
            JsonNode first = null;
            for (JsonNode f : report.get("findings")) {
                if (first == null && !isLabHistory(f)) {
                    first = f;
                }
            }
            assertTrue(first.path("title").asText().contains(port) || first.path("culprit").asText().contains(port),
                    "port " + port + " in neither title nor culprit: " + describe(first));
        });
    }

    @Test
    @Order(6)
    void aCgroupPidLimitIsReportedAsPidExhaustion() throws Exception {
        underCondition("pid-limit", report -> assertFirstFinding("pid-limit", report));
    }

    @Test
    @Order(7)
    void anExhaustedEphemeralRangeIsReportedNamingTheDestination() throws Exception {
        underCondition("port-exhaustion", report -> {
            assertFirstFinding("port-exhaustion", report);
            String port = String.valueOf(expected("port-exhaustion").get("names-port"));
            JsonNode first = report.get("findings").get(0);
            assertTrue(first.path("culprit").asText().contains(port), describe(first));
        });
    }

    @Test
    @Order(8)
    void frozenTasksAreAccountedForAndNeverCalledAnIoStall() throws Exception {
        underCondition("freezer", report -> {
            List<String> top = new ArrayList<>();
            List<String> all = new ArrayList<>();
            for (JsonNode f : report.get("findings")) {
                all.add(f.get("pattern").asText());
                if (top.size() < 3 && !isLabHistory(f)) {
                    top.add(f.get("pattern").asText());
                }
            }
            assertTrue(top.contains("unexplained-load"), "freezer: " + summary(report));
            assertFalse(all.contains("io-stall"), "frozen tasks called an I/O stall: " + summary(report));
            JsonNode f = null;
            for (JsonNode x : report.get("findings")) {
                if (x.get("pattern").asText().equals("unexplained-load")) {
                    f = x;
                }
            }
            assertTrue(f.get("evidence").toString().contains("__refrigerator within cgroup /triagebot-lab/freezer"),
                    f.toString());
        });
    }

    /** LAST: kernel log lines cannot be removed. */
    @Test
    @Order(9)
    void kernelLogTriggersAreEscalatedWithTheirAges() throws Exception {
        long startedNanos = System.nanoTime();
        underCondition("kmsg", report -> {
            double sinceStart = (System.nanoTime() - startedNanos) / 1e9;
            @SuppressWarnings("unchecked")
            List<Object> triggers = (List<Object>) expected("kmsg").get("escalations");
            for (Object trigger : triggers) {
                JsonNode found = null;
                for (JsonNode e : report.get("escalations")) {
                    if (e.get("trigger").asText().equals(trigger.toString())) {
                        found = e;
                    }
                }
                Assertions.assertNotNull(found, "no " + trigger + " escalation in " + report.get("escalations"));
                assertTrue(found.get("recent").asBoolean(), found.toString());
                assertTrue(found.get("ageSeconds").isNumber(), "no age: " + found);
                double age = found.get("ageSeconds").asDouble();
                assertTrue(age >= 0 && age <= sinceStart + 5, trigger + " is " + age + " s old but the lab wrote it "
                        + sinceStart + " s ago at most: " + found);
                assertTrue(found.get("line").asText().contains("triagebot-lab"), "not the lab's line: " + found);
            }
            Object other = expected("kmsg").get("other-kernel-warning");
            if (other != null) {
                boolean listed = false;
                for (JsonNode w : report.path("otherKernelWarnings").path("templates")) {
                    listed |= w.get("template").asText().contains(other.toString()) && w.get("count").asInt() >= 2;
                }
                assertTrue(listed, "no repeated '" + other + "' in " + report.get("otherKernelWarnings"));
            }
            assertTrue(Set.of("HIGH", "CRITICAL").contains(report.get("severity").asText()), report.toString());
        });
    }

    // -------------------------------------------------------------------------------------------------

    interface ReportCheck {
        void check(JsonNode report) throws Exception;
    }

    /** Starts the condition, lets it settle, triages over SSH, checks; ALWAYS stops it. */
    private static void underCondition(String condition, ReportCheck check) throws Exception {
        awaitQuietHost(condition);
        try {
            LabRun start = lab(90, "start", condition);
            assertEquals(0, start.exit(), "lab.sh start " + condition + ": " + start.output());
            Thread.sleep(SETTLE_MILLIS);
            JsonNode report = triage();
            check.check(report);
        } finally {
            LabRun stop = lab(60, "stop", condition);
            assertEquals(0, stop.exit(), "lab.sh stop " + condition + ": " + stop.output());
        }
    }

    /**
     * The expected pattern is the first finding, not counting the lab's own OOM history: an earlier
     * oom or kmsg run (this hour) left OOM reports in the kernel log that cannot be removed, and a
     * recent OOM is a finding of its own. Only oom-kill findings that name the lab are set aside.
     */
    private static void assertFirstFinding(String condition, JsonNode report) throws IOException {
        Object pattern = expected(condition).get("first-pattern");
        List<JsonNode> findings = new ArrayList<>();
        for (JsonNode f : report.get("findings")) {
            if (!isLabHistory(f)) {
                findings.add(f);
            }
        }
        assertFalse(findings.isEmpty(), condition + ": no finding; " + summary(report));
        assertEquals(pattern, findings.get(0).get("pattern").asText(), condition + ": " + summary(report));
    }

    /** An oom-kill finding about the lab's own OOM kills (its oom condition, its kmsg lines). */
    private static boolean isLabHistory(JsonNode finding) {
        return finding.path("pattern").asText().equals("oom-kill")
                && (finding.path("title").asText().contains("triagebot-lab")
                        || finding.path("culprit").asText().contains("triagebot-lab"));
    }

    /** triagebot triage ALIAS --json over SSH to this host, in-process through the CLI entry point. */
    private static JsonNode triage() throws Exception {
        CliRun run = CliRun.of("triage", ALIAS, "--json", "--ssh-config", sshConfig.toString(), "--window", WINDOW);
        assertEquals(0, run.exit(), "triage exit " + run.exit() + ": " + run.err() + "\nsshd: " + sshd.logText());
        String line = run.out().strip();
        assertFalse(line.isEmpty(), "no report printed; stderr: " + run.err());
        JsonNode report = new ObjectMapper().readTree(line);
        assertEquals(ALIAS, report.get("host").asText());
        return report;
    }


    @SuppressWarnings("unchecked")
    private static Map<String, Object> expected(String condition) throws IOException {
        Path file = projectDir.resolve("src/test/resources/fixtures").resolve(condition).resolve("expected.yaml");
        assertTrue(Files.isRegularFile(file), file + " missing: capture the fixtures first (sudo lab/capture.sh)");
        return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    }

    private static String summary(JsonNode report) {
        List<String> findings = new ArrayList<>();
        report.get("findings").forEach(f -> findings.add(describe(f)));
        List<String> escalations = new ArrayList<>();
        report.get("escalations").forEach(e -> escalations.add(e.get("trigger").asText()));
        return "severity " + report.get("severity").asText() + ", findings " + findings + ", escalations "
                + escalations + ", headline " + report.get("headline").asText();
    }

    private static String describe(JsonNode f) {
        return f.path("pattern").asText() + " " + f.path("severity").asText() + " '" + f.path("title").asText() + "'"
                + (f.hasNonNull("culprit") ? " culprit " + f.get("culprit").asText() : "");
    }

    // -------------------------------------------------------------------------------------------------

    record LabRun(int exit, String output) {
    }

    /** Runs lab/lab.sh with a time limit; output is stdout and stderr together. */
    private static LabRun lab(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", lab.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("TRIAGEBOT_LAB_MAX_SECONDS", Integer.toString(SAFETY_SECONDS));
        Path log = Files.createTempFile("triagebot-lab-", ".log");
        try {
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new LabRun(-1, "lab.sh " + String.join(" ", args) + " timed out after " + timeoutSeconds
                        + " s: " + Files.readString(log));
            }
            return new LabRun(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Other work on a shared machine (a build next door) would make "healthy" a lie and would
     * out-rank the induced condition (cpu-saturation first): wait until the CPUs are mostly idle for
     * a moment. Skip when they never are, except on CI, whose runner has nothing else to do.
     */
    static void awaitQuietHost(String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int quiet = 0;
        double busy = 100;
        while (System.nanoTime() < deadline) {
            busy = cpuBusyPercent(1000);
            quiet = busy < 40 ? quiet + 1 : 0;
            if (quiet >= 2) {
                return;
            }
        }
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.abort("host too busy for " + what + " (" + Math.round(busy) + "% CPU busy from other work)");
        }
    }

    private static double cpuBusyPercent(long millis) throws Exception {
        long[] a = cpuLine();
        Thread.sleep(millis);
        long[] b = cpuLine();
        long total = 0;
        for (int i = 0; i < 8; i++) {
            total += b[i] - a[i];
        }
        long idle = (b[3] - a[3]) + (b[4] - a[4]);
        return total <= 0 ? 0 : 100.0 * (total - idle) / total;
    }

    private static long[] cpuLine() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long[] v = new long[8];
        for (int i = 0; i < 8; i++) {
            v[i] = Long.parseLong(f[i + 1]);
        }
        return v;
    }

    /** Did the lab write to (or make the kernel write to) the kernel log within the last hour? */
    private static boolean labLinesInKernelLogWithinAnHour() throws Exception {
        double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0]);
        Process p = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("(?m)^\\[\\s*(\\d+\\.\\d+)\\](.*triagebot-lab.*)$").matcher(log);
        while (m.find()) {
            if (uptime - Double.parseDouble(m.group(1)) <= 3600) {
                return true;
            }
        }
        return false;
    }
}
