package io.triagebot.slack;

import static io.triagebot.testsupport.BotHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.approval.ActionRecord;
import io.triagebot.approval.ActionState;
import io.triagebot.config.BotConfig;
import io.triagebot.incident.EventType;
import io.triagebot.incident.IncidentId;
import io.triagebot.store.DatabaseSettings;
import io.triagebot.testsupport.BotHarness;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.LiveTests;
import io.triagebot.testsupport.RecordedCondition;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.TestSshd;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approve-to-run as people meet it: /triage of db-3 (the test sshd on 127.0.0.1) through a real Bolt app
 * over HTTP with signed requests, Slack's Web API faked by WireMock, the action run over SSH on this
 * machine. The first triage replays a swap storm the lab recorded on this machine, so its findings offer
 * vm-swappiness; everything after it (execution, verification, rollback) is live. vm.swappiness really
 * changes once and is always put back. Root only.
 */
class ApproveToRunIT {

    static final String CHANNEL = "C0INCIDENT";
    static final String REQUESTER = "U0ONCALL";
    static final String SECOND = "U0SECOND";
    static final String THIRD = "U0THIRD";
    static final Path SWAPPINESS = Path.of("/proc/sys/vm/swappiness");

    @TempDir
    Path dir;

    TestSshd sshd;
    FakeSlackApi slack;
    BotHarness harness;
    SignedSlackRequests requests;
    String original;

    @BeforeEach
    void start() throws Exception {
        LiveTests.requireOrSkip(LiveTests.isRoot(), "approve-to-run changes vm.swappiness: needs root");
        TestSshd.assumeAvailable();
        original = swappiness();
        sshd = TestSshd.start();
        slack = new FakeSlackApi();
    }

    private void startBot(Duration ttl) throws Exception {
        Path sshConfig = sshd.writeClientConfig(dir.resolve("ssh_config"), "db-3");
        BotConfig.Approval approval = new BotConfig.Approval(Set.of(), Set.of(), false, ttl, false);
        harness = BotHarness.start(sshConfig, slack, DatabaseSettings.embedded(dir.resolve("data")),
                dir.resolve("data"), approval, live -> {
                    try {
                        return new RecordedCondition("swap-storm", "db-3", live, 1);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        requests = harness.requests();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (harness != null) {
                harness.close();
            }
            if (slack != null) {
                slack.close();
            }
            if (sshd != null) {
                sshd.close();
            }
        } finally {
            if (original != null) {
                Files.writeString(SWAPPINESS, original + "\n");
            }
        }
    }

    @Test
    void secondPersonApprovesItRunsOnceIsVerifiedAndRollsBack() throws Exception {
        startBot(Duration.ofMinutes(15));
        String target = "10";
        if (original.equals(target)) {
            Files.writeString(SWAPPINESS, "60\n"); // so the change is visible; the original is restored after
        }
        String before = swappiness();
        assertEquals(200, requests.send(SignedSlackRequests.slashCommand(CHANNEL, REQUESTER, "db-3")).statusCode());
        await(() -> card("sysctl -w vm.swappiness=") != null, 30, "a vm.swappiness card in the thread");
        Map<String, String> card = card("sysctl -w vm.swappiness=");
        String blocks = blocks(card);
        String token = token(blocks, SlackActionPresenter.APPROVE);
        assertEquals(slack.anchorTs().get(0), card.get("thread_ts"), "the card is in the incident's thread");
        assertTrue(blocks.contains("sysctl -w vm.swappiness=" + target), "the card shows the exact command: " + blocks);
        assertTrue(blocks.contains(SlackActionPresenter.DRY_RUN) && blocks.contains(SlackActionPresenter.REJECT));
        assertEquals(Set.of(token), Set.copyOf(tokens(blocks)), "every button carries the token and nothing else");
        String cardTs = slack.postedTs(m -> m.getOrDefault("blocks", "").contains(token)).get(0);
        IncidentId incident = harness.bot().approvals().store().findByToken(token).orElseThrow().incident();

        // The requester cannot approve their own triage's action.
        click(REQUESTER, SlackActionPresenter.APPROVE, token);
        await(() -> ephemeralTo(REQUESTER).stream().anyMatch(t -> t.contains("someone else")), 10, "refusal answer");
        assertEquals(before, swappiness(), "a refused click changes nothing");
        await(() -> count(incident, EventType.ACTION_REFUSED) == 1, 10, "the refusal is on the timeline");

        // Dry run: the exact command, the live current value, the quality checks; nothing changes.
        click(SECOND, SlackActionPresenter.DRY_RUN, token);
        await(() -> ephemeralTo(SECOND).stream().anyMatch(t -> t.contains("Dry run")), 15, "a dry run");
        String dry = ephemeralTo(SECOND).stream().filter(t -> t.contains("Dry run")).findFirst().orElseThrow();
        assertTrue(dry.contains("`" + before + "`"), "the current value, read live: " + dry);
        assertTrue(dry.contains("sysctl -w vm.swappiness=" + before), "the rollback it would run: " + dry);
        assertTrue(dry.contains("Safe for production?") && dry.contains("Persists across reboot?"), dry);
        assertEquals(before, swappiness(), "a dry run changes nothing");

        // Forged values: not a token, a token from another channel. Nothing runs.
        click(SECOND, SlackActionPresenter.APPROVE, "$(reboot)");
        click(SECOND, SlackActionPresenter.APPROVE, "0".repeat(32));
        clickIn("C0ELSEWHERE", SECOND, SlackActionPresenter.APPROVE, token);
        await(() -> ephemeralTo(SECOND).stream().filter(t -> t.contains("does not exist")).count() >= 2, 10,
                "forged clicks answered");
        assertEquals(before, swappiness());

        // Twenty simultaneous approvals by two people: one execution.
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> clicks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String user = i % 2 == 0 ? SECOND : THIRD;
            clicks.add(pool.submit(() -> {
                go.await();
                return click(user, SlackActionPresenter.APPROVE, token);
            }));
        }
        go.countDown();
        for (Future<Integer> c : clicks) {
            assertEquals(200, c.get(), "every click is acknowledged");
        }
        pool.shutdown();
        await(() -> count(incident, EventType.ACTION_EXECUTED) == 1, 30, "the action ran");
        assertEquals(target, swappiness(), "the host has the new value");
        Thread.sleep(500);
        assertEquals(1, count(incident, EventType.ACTION_EXECUTED), "twenty clicks, one execution");
        ActionRecord ran = harness.bot().approvals().store().findByToken(token).orElseThrow();
        assertEquals(before, ran.previousValue().strip(), "the rollback value was captured first");
        await(() -> updatesOf(cardTs).stream().anyMatch(b -> b.contains("Ran")), 15, "the card says it ran");
        await(() -> replies().stream().anyMatch(b -> b.contains("exited *0*")), 15, "the result in the thread");

        // After the settle time: before/after of swap-out, then a working Roll back button.
        await(() -> count(incident, EventType.ACTION_VERIFIED) + count(incident, EventType.ACTION_NOT_IMPROVED) == 1,
                90, "verified after the settle time");
        await(() -> replies().stream().anyMatch(b -> b.contains("settle time")), 15, "the verdict in the thread");
        String verdict = replies().stream().filter(b -> b.contains("settle time")).findFirst().orElseThrow();
        assertTrue(verdict.contains("pages swapped out per second"), verdict);
        assertTrue(verdict.contains(SlackActionPresenter.ROLLBACK), "offers a rollback: " + verdict);
        assertEquals(1, count(incident, EventType.ACTION_VERIFIED),
                "the recorded storm swapped out thousands of pages/s; this machine now does not: " + verdict);

        for (int i = 0; i < 3; i++) {
            click(SECOND, SlackActionPresenter.ROLLBACK, token);
        }
        await(() -> card("Roll back") != null, 15, "a rollback card");
        Thread.sleep(500);
        assertEquals(1, slack.calls("chat.postMessage").stream()
                .filter(m -> blocks(m).contains("Roll back:")).count(), "duplicate clicks, one card");
        String rollbackToken = token(blocks(card("Roll back")), SlackActionPresenter.APPROVE);
        assertTrue(blocks(card("Roll back")).contains("sysctl -w vm.swappiness=" + before));
        click(SECOND, SlackActionPresenter.APPROVE, rollbackToken);
        await(() -> ephemeralTo(SECOND).stream().anyMatch(t -> t.contains("someone else")), 10,
                "who asked for the rollback cannot approve it");
        assertEquals(target, swappiness());
        click(THIRD, SlackActionPresenter.APPROVE, rollbackToken);
        await(() -> count(incident, EventType.ACTION_ROLLED_BACK) == 1, 30, "rolled back");
        assertEquals(before, swappiness(), "the rollback restored the captured value");
        assertEquals(ActionState.ROLLED_BACK, harness.bot().approvals().store().findByToken(token).orElseThrow().state());
        await(() -> updatesOf(cardTs).stream().anyMatch(b -> b.contains("Rolled back")), 15,
                "the original card says it was rolled back");
    }

    @Test
    void unapprovedProposalsExpireAndTheirCardsSaySo() throws Exception {
        startBot(Duration.ofSeconds(3));
        requests.send(SignedSlackRequests.slashCommand(CHANNEL, REQUESTER, "db-3"));
        await(() -> card("sysctl -w vm.swappiness=") != null, 30, "a vm.swappiness card");
        String token = token(blocks(card("sysctl -w vm.swappiness=")), SlackActionPresenter.APPROVE);
        String cardTs = slack.postedTs(m -> m.getOrDefault("blocks", "").contains(token)).get(0);
        await(() -> updatesOf(cardTs).stream().anyMatch(b -> b.contains("Expired")), 30, "the card expired");
        assertFalse(updatesOf(cardTs).stream().anyMatch(b -> b.contains(SlackActionPresenter.APPROVE)),
                "an expired card has no approve button");
        String value = swappiness();
        click(SECOND, SlackActionPresenter.APPROVE, token);
        await(() -> ephemeralTo(SECOND).stream().anyMatch(t -> t.contains("expired")), 10, "told it expired");
        assertEquals(value, swappiness(), "an expired approval runs nothing");
    }

    // ---- helpers ----

    private int click(String user, String actionId, String value) throws Exception {
        return clickIn(CHANNEL, user, actionId, value);
    }

    private int clickIn(String channel, String user, String actionId, String value) throws Exception {
        return requests.send(SignedSlackRequests.buttonClick(channel, user, actionId, value)).statusCode();
    }

    /** The first card posted whose blocks mention {@code text}, or null. */
    private Map<String, String> card(String text) {
        return slack.calls("chat.postMessage").stream().filter(m -> blocks(m).contains(text)
                && blocks(m).contains(SlackActionPresenter.APPROVE)).findFirst().orElse(null);
    }

    private List<String> replies() {
        return slack.calls("chat.postMessage").stream().filter(m -> m.containsKey("thread_ts"))
                .map(ApproveToRunIT::blocks).toList();
    }

    private List<String> updatesOf(String ts) {
        return slack.calls("chat.update").stream().filter(m -> ts.equals(m.get("ts")))
                .map(ApproveToRunIT::blocks).toList();
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

    private static String token(String blocks, String actionId) {
        Matcher m = Pattern.compile("\"action_id\":\"" + actionId + "\"[^}]*?\"value\":\"([^\"]+)\"").matcher(blocks);
        if (!m.find()) {
            Matcher m2 = Pattern.compile("\"value\":\"([0-9a-f]{32})\"[^}]*?\"action_id\":\"" + actionId + "\"")
                    .matcher(blocks);
            assertTrue(m2.find(), "no " + actionId + " button in " + blocks);
            return m2.group(1);
        }
        return m.group(1);
    }

    private static List<String> tokens(String blocks) {
        return SlackBlocks.values(blocks);
    }

    private static String swappiness() throws Exception {
        // Read from offset 0 in one go: sysctl files answer EOF at non-zero offsets.
        try (InputStream in = Files.newInputStream(SWAPPINESS)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    static String decoded(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
