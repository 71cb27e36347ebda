package io.triagebot.slack;

import static io.triagebot.testsupport.BotHarness.await;
import static io.triagebot.testsupport.LiveTests.isRoot;
import static io.triagebot.testsupport.LiveTests.requireOrSkip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.config.BotConfig;
import io.triagebot.incident.EventType;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.store.DatabaseSettings;
import io.triagebot.testsupport.BotHarness;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.RecordedCondition;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.TestLoads;
import io.triagebot.testsupport.TestSshd;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deep-dive buttons as people meet them: /triage of db-3 (the test sshd on 127.0.0.1) through a real
 * Bolt app over HTTP with signed requests, Slack's Web API faked by WireMock. The triage replays a CPU
 * saturation the lab recorded on this machine, so its summary offers "Profile CPU 10 s"; the profile a
 * click starts is live, over SSH, while stress-ng really saturates the CPUs. Root and perf only.
 */
class DeepDiveButtonIT {

    static final String CHANNEL = "C0INCIDENT";
    static final String ONCALL = "U0ONCALL";
    static final String SECOND = "U0SECOND";
    static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final String OWNER = Long.toString(ProcessHandle.current().pid());
    private static final TestLoads LOADS = new TestLoads(OWNER);

    @TempDir
    Path dir;

    Path lab;
    boolean sessionHeld;
    TestSshd sshd;
    FakeSlackApi slack;
    BotHarness harness;
    SignedSlackRequests requests;
    final List<Process> loads = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        requireOrSkip(isRoot(), "a system-wide CPU profile and the lab's load need root");
        requireOrSkip(onPath("perf") && onPath("stress-ng"), "perf and stress-ng are needed (.ci/run installs them)");
        TestSshd.assumeAvailable();
        lab = Path.of(System.getProperty("triagebot.projectDir", ".")).toAbsolutePath().resolve("lab").resolve("lab.sh");
        // The lab's claim: no other test induces a condition on this machine while this one loads its CPUs.
        Sh session = sh(360, "bash", lab.toString(), "session-begin", OWNER, "300");
        requireOrSkip(session.exit() == 0, "lab in use: " + session.out());
        sessionHeld = true;
        sshd = TestSshd.start();
        slack = new FakeSlackApi();
        Path sshConfig = sshd.writeClientConfig(dir.resolve("ssh_config"), "db-3", "User root");
        harness = BotHarness.start(sshConfig, slack, DatabaseSettings.embedded(dir.resolve("data")), dir.resolve("data"),
                BotConfig.Approval.defaults(), live -> {
                    try {
                        return new RecordedCondition("cpu", "db-3", live, 1);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        requests = harness.requests();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            LOADS.killAll();
            for (Process p : loads) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (harness != null) {
                harness.close();
            }
            if (slack != null) {
                slack.close();
            }
            if (sshd != null) {
                sshd.close();
            }
            awaitNoStressNg();
        } finally {
            if (sessionHeld) {
                sh(30, "bash", lab.toString(), "session-end", OWNER);
            }
        }
    }

    @Test
    void oneClickUploadsTheFlameGraphAndTheTopStacksToTheThread() throws Exception {
        String button = triageAndFindButton("deep_dive_cpu");
        String value = value(button);
        IncidentId incident = IncidentId.parse(value.substring(0, value.indexOf(':'))).orElseThrow();
        assertTrue(value.matches("INC-\\d+:\\d+:cpu"), "an opaque reference, nothing from the host: " + value);
        assertTrue(button.contains("Profile CPU 10 s"), button);
        assertTrue(button.contains("About 1% of each CPU"), "the confirm dialog states the overhead: " + button);
        assertTrue(button.contains("for 10 s"), "and the duration: " + button);
        String summary = thread().stream().filter(b -> b.contains("deep_dive_cpu")).findFirst().orElseThrow();
        assertTrue(summary.contains("deep_dive_runqlat"), "saturation also offers the run-queue histogram");

        int workers = 2 * Runtime.getRuntime().availableProcessors();
        startLoad("echo -5 > /proc/self/autogroup 2>/dev/null; exec stress-ng --cpu " + workers
                + " --cpu-method matrixprod --timeout 60");
        awaitProcesses("stress-ng-cpu", workers);

        // From another channel, the incident does not exist; forged values refer to nothing. Nothing runs.
        assertEquals(200, click("C0ELSEWHERE", SECOND, "deep_dive_cpu", value).statusCode());
        assertEquals(200, click(CHANNEL, SECOND, "deep_dive_cpu", incident + ":1:rm -rf").statusCode());
        assertEquals(200, click(CHANNEL, SECOND, "deep_dive_biolat", incident + ":1:biolat").statusCode());
        await(() -> ephemeralTo(SECOND).stream().anyMatch(t -> t.contains("There is no incident " + incident
                + " in this channel")), 10, "the other channel's click answered not found");
        await(() -> ephemeralTo(SECOND).stream().anyMatch(t -> t.contains("does not refer"))
                && ephemeralTo(SECOND).stream().anyMatch(t -> t.contains("offers no such deep dive")), 10,
                "forged clicks answered");
        assertEquals(0, count(incident, EventType.DEEP_DIVE), "no deep dive ran for them");

        // Two people click at once: one profile runs, the other hears the host is busy.
        long clicked = System.nanoTime();
        long clickedAt = System.currentTimeMillis();
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
                () -> unchecked(() -> click(CHANNEL, ONCALL, "deep_dive_cpu", value)));
        CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(
                () -> unchecked(() -> click(CHANNEL, SECOND, "deep_dive_cpu", value)));
        assertEquals(200, first.get().statusCode());
        assertEquals(200, second.get().statusCode());
        long ackMillis = (System.nanoTime() - clicked) / 1_000_000;
        assertTrue(ackMillis < 3000, "both clicks acknowledged within Slack's 3 s: " + ackMillis + " ms");
        await(() -> busyAnswers() == 1, 30, "the second click answered busy");

        long[] done = {0};
        await(() -> {
            boolean all = uploaded(".svg") != null && uploaded(".png") != null && profilePost() != null;
            if (all && done[0] == 0) {
                done[0] = System.nanoTime();
            }
            return all;
        }, 90, "flame graph, chart and summary in the thread");
        double seconds = (done[0] - clicked) / 1e9;
        System.out.printf("deep-dive button: click to SVG, PNG and summary in the thread: %.2f s%n", seconds);
        slack.server.getAllServeEvents().stream().filter(e -> e.getRequest().getLoggedDate().getTime() >= clickedAt)
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .forEach(e -> System.out.printf("deep-dive button: +%.2f s %s (%d bytes)%n",
                        (e.getRequest().getLoggedDate().getTime() - clickedAt) / 1000.0, e.getRequest().getUrl(),
                        e.getRequest().getBody().length));
        // The goal is duration + 3 s (13 s); on a saturated, shared 2-CPU machine perf's start and symbol
        // resolution take longer (bench/run measures it), so this bound only catches a run gone astray.
        assertTrue(seconds < 45, "click to upload took " + seconds + " s");

        byte[] svg = uploaded(".svg");
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg));
        assertTrue(new String(svg, StandardCharsets.UTF_8).contains("stress-ng"), "the flame graph shows stress-ng");
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(uploaded(".png"), 8), "a PNG");
        List<Map<String, String>> completes = slack.calls("files.completeUploadExternal");
        assertEquals(1, completes.size(), "one completion for both files");
        assertEquals(CHANNEL, completes.get(0).get("channel_id"));
        String anchor = slack.anchorTs().get(0);
        assertEquals(anchor, completes.get(0).get("thread_ts"), "shared in the incident's thread");
        assertTrue(completes.get(0).get("files").contains(".svg") && completes.get(0).get("files").contains(".png"),
                completes.get(0).get("files"));
        for (Map<String, String> get : slack.calls("files.getUploadURLExternal")) {
            assertTrue(get.get("filename").matches("cpu-db-3-[0-9-]+\\.(svg|png)"), get.toString());
        }

        Map<String, String> post = profilePost();
        assertEquals(anchor, post.get("thread_ts"));
        String text = blocks(post);
        assertTrue(text.contains("stress-ng") && text.contains("%"), "the top stacks and functions: " + text);
        assertTrue(text.contains("Uploaded above"), text);
        assertTrue(slack.limitViolations().isEmpty(), slack.limitViolations().toString());

        assertEquals(1, count(incident, EventType.DEEP_DIVE), "one run, on the timeline");
        TimelineEvent event = harness.bot().incidents().store().events(incident, EventType.DEEP_DIVE).get(0);
        System.out.println("deep-dive button: timeline says " + event.summary());
        assertTrue(event.summary().contains("uploaded cpu-db-3-") && event.actor().startsWith("U0"), event.summary());
        assertTrue(event.payload().contains("stress-ng"), "what it found is kept");

        // Right after a run the host rests: the next click is told when to retry, and nothing runs.
        click(CHANNEL, SECOND, "deep_dive_cpu", value);
        await(() -> ephemeralTo(SECOND).stream().anyMatch(t -> t.contains("cooling down")), 15, "told to wait");
        assertEquals(1, count(incident, EventType.DEEP_DIVE));
    }

    @Test
    void aRefusedUploadIsToldInTheThreadOnce() throws Exception {
        String value = value(triageAndFindButton("deep_dive_cpu"));
        IncidentId incident = IncidentId.parse(value.substring(0, value.indexOf(':'))).orElseThrow();
        slack.refuse("files.completeUploadExternal", "not_in_channel");
        click(CHANNEL, ONCALL, "deep_dive_cpu", value);
        await(() -> count(incident, EventType.DEEP_DIVE) == 1, 60, "the run is on the timeline");
        await(() -> profilePost() != null, 15, "the summary in the thread");
        assertEquals(1, slack.calls("files.completeUploadExternal").size(), "a final refusal is not retried");
        assertEquals(1, thread().stream().filter(b -> b.contains("Slack refused the files (not_in_channel)")).count(),
                "told once: " + thread());
        assertTrue(harness.bot().incidents().store().events(incident, EventType.DEEP_DIVE).get(0).summary()
                .contains("upload failed (not_in_channel)"));
    }

    // ---------------------------------------------------------------------------------------------------

    /** Triages db-3 and returns the JSON of the button {@code actionId} in the summary. */
    private String triageAndFindButton(String actionId) throws Exception {
        assertEquals(200, requests.send(SignedSlackRequests.slashCommand(CHANNEL, ONCALL, "db-3")).statusCode());
        await(() -> thread().stream().anyMatch(b -> b.contains(actionId)), 30, "a " + actionId + " button");
        String blocks = thread().stream().filter(b -> b.contains(actionId)).findFirst().orElseThrow();
        int at = blocks.indexOf("\"action_id\":\"" + actionId + "\"");
        int start = blocks.lastIndexOf("{\"type\":\"button\"", at);
        int end = blocks.indexOf("{\"type\":\"button\"", at);
        return blocks.substring(start, end < 0 ? blocks.length() : end);
    }

    private static String value(String button) {
        Matcher m = Pattern.compile("\"value\":\"([^\"]+)\"").matcher(button);
        assertTrue(m.find(), button);
        return m.group(1);
    }

    private HttpResponse<String> click(String channel, String user, String actionId, String value) throws Exception {
        return requests.send(SignedSlackRequests.buttonClick(channel, user, actionId, value));
    }

    private byte[] uploaded(String suffix) {
        return slack.uploadedFiles().entrySet().stream().filter(e -> e.getKey().endsWith(suffix))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private Map<String, String> profilePost() {
        return slack.calls("chat.postMessage").stream().filter(m -> m.containsKey("thread_ts")
                && blocks(m).contains("CPU profile") && blocks(m).contains("asked by")).findFirst().orElse(null);
    }

    private long busyAnswers() {
        return slack.calls("chat.postEphemeral").stream().filter(m -> m.getOrDefault("text", "").contains("is busy"))
                .count();
    }

    private List<String> thread() {
        return slack.calls("chat.postMessage").stream().filter(m -> m.containsKey("thread_ts"))
                .map(DeepDiveButtonIT::blocks).toList();
    }

    private List<String> ephemeralTo(String user) {
        return SlackBlocks.ephemeralTo(slack, user);
    }

    private static String blocks(Map<String, String> call) {
        return SlackBlocks.blocks(call);
    }

    private long count(IncidentId incident, EventType type) {
        return harness.count(incident, type);
    }

    @FunctionalInterface
    private interface Io<T> {
        T get() throws Exception;
    }

    private static <T> T unchecked(Io<T> io) {
        try {
            return io.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void startLoad(String command) throws IOException {
        loads.add(LOADS.start(command));
    }

    private static void awaitProcesses(String comm, int count) throws Exception {
        await(() -> TestLoads.processesNamed(comm).size() >= count, 30, comm + " x" + count + " started");
    }

    private static void awaitNoStressNg() throws Exception {
        await(() -> TestLoads.processesNamed("stress-ng").isEmpty(), 20, "stress-ng gone after its test");
    }

    private static boolean onPath(String binary) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, binary))) {
                return true;
            }
        }
        return Set.of("/usr/sbin", "/sbin").stream().anyMatch(d -> Files.isExecutable(Path.of(d, binary)));
    }

    record Sh(int exit, String out) {
    }

    static Sh sh(int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Sh(-1, String.join(" ", command) + " timed out: " + out);
        }
        return new Sh(p.exitValue(), out);
    }
}
