package io.triagebot.slack;

import static io.triagebot.testsupport.BotHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.config.BotConfig;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.IncidentStatus;
import io.triagebot.incident.TimelineEvent;
import io.triagebot.store.DatabaseSettings;
import io.triagebot.testsupport.BotHarness;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.LiveTests;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.TestSshd;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust at the Slack edge, as an attacker and an unlucky user meet it: a real Bolt app over HTTP with
 * signed requests, Slack's Web API faked by WireMock answering like Slack on its published limits, every
 * triage live over SSH to a test sshd on 127.0.0.1. That sshd runs each session in a mount namespace whose
 * {@code dmesg} prints the real kernel log plus one hung-task line naming a task {@code <!here>}, so the
 * machine's own kernel log is left alone. Root only (mount namespaces).
 */
class SlackEdgeIT {

    static final String CHANNEL = "C0INCIDENT";
    static final String ELSEWHERE = "C0ELSEWHERE";
    static final String USER = "U0ONCALL";
    static final String SHARED_A = "C0SHAREA";
    static final String SHARED_B = "C0SHAREB";
    /** A mention Slack would act on: {@code <!channel>}, {@code <!here>}, {@code <!everyone>}, {@code <!subteam^...>}; dates are the bot's own. */
    static final Pattern BROADCAST = Pattern.compile("<!(?!date\\^)");
    static final Pattern INCIDENT = Pattern.compile("\\((INC-\\d+)\\)");

    @TempDir
    static Path dir;

    static TestSshd sshd;
    static FakeSlackApi slack;
    static BotHarness harness;
    static SignedSlackRequests requests;

    @BeforeAll
    static void start() throws Exception {
        LiveTests.requireOrSkip(LiveTests.isRoot(), "the hostile kernel log is a bind mount in a mount namespace: needs root");
        TestSshd.assumeAvailable();
        Path realDmesg = Files.copy(Path.of("/usr/bin/dmesg"), dir.resolve("dmesg.real"));
        // The newest line of every critical trigger, and a hung task, name <!here>: whatever the machine's
        // own kernel log holds, the headline (and so the anchor's notification text) quotes one of them.
        StringBuilder lines = new StringBuilder();
        for (String line : List.of("INFO: task <!here>:4242 blocked for more than 120 seconds.",
                "blk_update_request: I/O error, dev <!here>, sector 2048", "Oops: 0000 [#1] SMP <!here>",
                "Watchdog detected hard LOCKUP on cpu 1 <!here>", "mce: [Hardware Error]: <!here>")) {
            lines.append("printf '[%s] ").append(line).append("\\n' \"$up\"\n");
        }
        Path fakeDmesg = executable(dir.resolve("dmesg"), "#!/bin/sh\n\"" + realDmesg + "\" \"$@\"\n"
                + "up=$(cut -d' ' -f1 /proc/uptime)\n" + lines);
        Path session = executable(dir.resolve("session"), "#!/bin/sh\n"
                + "exec unshare -m sh -c 'mount --bind \"$0\" /usr/bin/dmesg && exec sh -c \"$SSH_ORIGINAL_COMMAND\"' \""
                + fakeDmesg + "\"\n");
        sshd = TestSshd.builder().extraConfig("ForceCommand " + session).start();
        Path sshConfig = sshd.writeClientConfig(dir.resolve("ssh_config"), "db-3");
        slack = new FakeSlackApi();
        harness = BotHarness.start(sshConfig, slack, DatabaseSettings.embedded(dir.resolve("data")),
                dir.resolve("data"), BotConfig.Approval.defaults(), live -> live, Set.of(SHARED_A, SHARED_B));
        requests = harness.requests();
    }

    @AfterAll
    static void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (slack != null) {
            slack.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void quiet() throws Exception {
        await(() -> pending() == 0, 30, "an earlier test's messages delivered");
        slack.reset();
    }

    @Test
    void hostDataNamingChannelAndHereMentionsNobodyInAnyFieldOfAnyCall() throws Exception {
        // Processes whose executable is named <!channel> are this host's top CPU users while it is triaged.
        Path burner = Files.copy(Path.of("/usr/bin/yes"), dir.resolve("<!channel>"));
        List<Process> burners = new ArrayList<>();
        IncidentId id;
        try {
            for (int i = 0; i < 3; i++) {
                burners.add(new ProcessBuilder(burner.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start());
            }
            await(() -> burners.stream().allMatch(p -> "<!channel>".equals(comm(p.pid()))), 10, "burners running");
            id = triage(CHANNEL, "db-3");
            awaitTriaged(id);
        } finally {
            burners.forEach(Process::destroy);
        }
        await(() -> pending() == 0, 30, "everything delivered");
        // The notification text carries the headline escaped. On a quiet machine the headline quotes a
        // hostile kernel-log line; when other work saturates the CPUs, the CPU finding's headline wins.
        Incident triaged = incident(id);
        String anchorText = anchorUpdates(id).get(0);
        assertEquals(id + " " + triaged.severity() + " db-3: " + Mrkdwn.escape(triaged.headline()), anchorText);
        List<String> sent = slack.everyTextSent();
        assertTrue(sent.stream().anyMatch(t -> t.contains("&lt;!channel&gt;")),
                "the top CPU users reached Slack, escaped: " + sent);
        assertTrue(sent.stream().anyMatch(t -> t.contains("&lt;!here&gt;")),
                "the kernel-log line reached Slack, escaped");
        for (String text : sent) {
            assertFalse(BROADCAST.matcher(text).find(), "a live mention in a field sent to Slack: " + text);
        }
        assertEquals(List.of(), slack.limitViolations());
    }

    @Test
    void longNotesAndResolutionsStayWithinLimitsAndLaterMessagesArrive() throws Exception {
        IncidentId id = triage(CHANNEL, "db-3");
        awaitTriaged(id);
        String longNote = "x".repeat(2990);
        String brackets = "<".repeat(1000);
        assertTrue(answer(CHANNEL, "note " + id + " " + longNote).contains("Noted"));
        assertTrue(answer(CHANNEL, "note " + id + " " + brackets).contains("Noted"));
        assertTrue(answer(CHANNEL, "resolve " + id + " " + brackets).contains("resolved"));
        await(() -> anchorUpdates(id).contains(id + " resolved"), 30,
                "the anchor, after both notes, says resolved");
        await(() -> pending() == 0, 30, "everything delivered");
        assertEquals(List.of(), slack.limitViolations(), "nothing over a limit reached Slack");
        assertEquals(2, slack.calls("chat.postMessage").stream()
                .filter(m -> m.getOrDefault("text", "").contains("Note from")).count(), "both notes posted");
        String sentBrackets = String.join("", sectionTexts("Note from", "&lt;"));
        assertEquals(1000, count(sentBrackets, "&lt;"), "the whole 1,000 '<' note, escaped, across sections");

        // The resolution is quoted by the next triage of the host: within limits too, and delivered.
        IncidentId next = triage(CHANNEL, "db-3");
        awaitTriaged(next);
        assertTrue(events(next).contains(EventType.RECALLED), "the earlier incident is recalled");
        await(() -> pending() == 0, 30, "everything delivered");
        assertTrue(slack.calls("chat.postMessage").stream().anyMatch(m -> m.getOrDefault("blocks", "")
                .contains("Seen before")), "the recall was delivered");
        assertEquals(List.of(), slack.limitViolations());
    }

    @Test
    void anotherChannelsIncidentIsNotFoundAndNothingChanges() throws Exception {
        IncidentId id = triage(CHANNEL, "db-3");
        awaitTriaged(id);
        await(() -> pending() == 0, 30, "everything delivered");
        List<TimelineEvent> before = harness.bot().incidents().store().timeline(id);
        int callsBefore = slack.server.getAllServeEvents().size();
        IncidentId missing = new IncidentId(999_999);

        for (String command : List.of("note %s secret", "resolve %s done", "timeline %s")) {
            String existing = answer(ELSEWHERE, String.format(command, id));
            String nonexistent = answer(ELSEWHERE, String.format(command, missing));
            assertEquals(nonexistent.replace(missing.toString(), "ID"), existing.replace(id.toString(), "ID"),
                    "answered exactly as for an incident that does not exist");
            assertTrue(existing.contains("no incident"), existing);
        }
        for (String button : List.of(AnchorMessages.RESOLVE_ACTION, AnchorMessages.TIMELINE_ACTION)) {
            requests.send(SignedSlackRequests.buttonClick(ELSEWHERE, USER, button, id.toString()));
            requests.send(SignedSlackRequests.buttonClick(ELSEWHERE, USER, button, missing.toString()));
        }
        await(() -> ephemeral(ELSEWHERE).size() == 4, 10, "four clicks answered");
        List<String> clicks = ephemeral(ELSEWHERE);
        for (int i = 0; i < 4; i += 2) {
            assertEquals(clicks.get(i + 1).replace(missing.toString(), "ID"), clicks.get(i).replace(id.toString(), "ID"));
            assertTrue(clicks.get(i).contains("no incident"), clicks.get(i));
        }
        assertEquals(before, harness.bot().incidents().store().timeline(id), "no event recorded");
        assertEquals(IncidentStatus.OPEN, incident(id).status());
        assertEquals(0, pending());
        assertEquals(callsBefore + 4, slack.server.getAllServeEvents().size(), "only the four ephemeral answers");

        // From its own channel, the same command works.
        assertTrue(answer(CHANNEL, "resolve " + id + " done").contains("resolved"));
        assertEquals(IncidentStatus.RESOLVED, incident(id).status());
    }

    @Test
    void recallQuotesOnlyTheSameChannelOrChannelsConfiguredToShare() throws Exception {
        IncidentId secret = triage("C0PRIVATE", "db-3");
        awaitTriaged(secret);
        answer("C0PRIVATE", "resolve " + secret + " the private fix");
        IncidentId shared = triage(SHARED_A, "db-3");
        awaitTriaged(shared);
        answer(SHARED_A, "resolve " + shared + " the shared fix");
        await(() -> pending() == 0, 30, "everything delivered");

        IncidentId elsewhere = triage("C0PUBLIC", "db-3");
        awaitTriaged(elsewhere);
        assertFalse(events(elsewhere).contains(EventType.RECALLED), "nothing of other channels is recalled");
        IncidentId sharing = triage(SHARED_B, "db-3");
        awaitTriaged(sharing);
        IncidentId same = triage("C0PRIVATE", "db-3");
        awaitTriaged(same);
        await(() -> pending() == 0, 30, "everything delivered");

        List<String> sharingPosts = posts(SHARED_B);
        assertTrue(sharingPosts.stream().anyMatch(b -> b.contains("the shared fix")), "shared channels recall each other");
        assertFalse(sharingPosts.stream().anyMatch(b -> b.contains("private fix")), String.join("\n", sharingPosts));
        assertTrue(posts("C0PRIVATE").stream().anyMatch(b -> b.contains("Seen before") && b.contains("private fix")),
                "the same channel recalls its own");
        assertFalse(posts("C0PUBLIC").stream().anyMatch(b -> b.contains("the private fix")
                || b.contains("the shared fix") || b.contains("Seen before")), String.join("\n", posts("C0PUBLIC")));
    }

    // ---- helpers ----

    private static IncidentId triage(String channel, String host) throws Exception {
        String ack = answer(channel, host);
        Matcher m = INCIDENT.matcher(ack);
        assertTrue(m.find(), "the ack names the incident: " + ack);
        return IncidentId.parse(m.group(1)).orElseThrow();
    }

    /** The triage recorded its outcome: findings, recall, then the escalations the kernel log always has here. */
    private static void awaitTriaged(IncidentId id) throws InterruptedException {
        await(() -> events(id).contains(EventType.ESCALATION), 60, id + " triaged");
    }

    /** The ephemeral answer to a slash command. */
    private static String answer(String channel, String text) throws Exception {
        HttpResponse<String> r = requests.send(SignedSlackRequests.slashCommand(channel, USER, text));
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body()).path("text").asText();
    }

    private static List<EventType> events(IncidentId id) {
        try {
            return harness.bot().incidents().store().timeline(id).stream().map(TimelineEvent::type).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Incident incident(IncidentId id) throws Exception {
        return harness.bot().incidents().find(id).orElseThrow();
    }

    private static int pending() {
        try {
            return harness.bot().incidents().store().pendingCount();
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<String> anchorUpdates(IncidentId id) {
        return slack.calls("chat.update").stream().map(m -> m.getOrDefault("text", ""))
                .filter(t -> t.startsWith(id + " ")).toList();
    }

    private static List<String> ephemeral(String channel) {
        return slack.calls("chat.postEphemeral").stream().filter(m -> channel.equals(m.get("channel")))
                .map(m -> m.getOrDefault("text", "")).toList();
    }

    private static List<String> posts(String channel) {
        return slack.calls("chat.postMessage").stream().filter(m -> channel.equals(m.get("channel")))
                .map(m -> SlackBlocks.readable(m.getOrDefault("blocks", ""))).toList();
    }

    /** The section texts of posted messages whose fallback contains {@code text} and blocks {@code marker}. */
    private static List<String> sectionTexts(String text, String marker) throws Exception {
        List<String> out = new ArrayList<>();
        for (Map<String, String> m : slack.calls("chat.postMessage")) {
            if (m.getOrDefault("text", "").contains(text)) {
                for (var block : new ObjectMapper().readTree(m.get("blocks"))) {
                    String t = block.path("text").path("text").asText();
                    if (t.contains(marker)) {
                        assertTrue(t.length() <= 3000, t.length() + " characters in one section");
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    private static int count(String haystack, String needle) {
        return (haystack.length() - haystack.replace(needle, "").length()) / needle.length();
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (Exception e) {
            return "";
        }
    }

    private static Path executable(Path file, String content) throws Exception {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
