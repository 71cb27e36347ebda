package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import io.triagebot.testsupport.FakeSlackApi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Binary files through Slack's external upload flow, against the WireMock Slack answering like Slack. */
class SlackFileUploadsTest {

    private final FakeSlackApi slack = new FakeSlackApi();
    private final SlackFileUploads uploads = uploads();

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 1, 2, (byte) 0xff};
    private static final byte[] SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8);

    @AfterEach
    void stop() {
        slack.close();
    }

    @Test
    void bothFilesGoToTheirUploadUrlsAndOneCompletionSharesThemInTheThread() throws Exception {
        uploads.upload("C0INCIDENT", "1764032400.000100", List.of(
                new SlackFileUploads.File("cpu-db-3.svg", "CPU profile of db-3 (SVG)", SVG),
                new SlackFileUploads.File("cpu-db-3.png", "CPU profile of db-3", PNG)));
        Map<String, byte[]> files = slack.uploadedFiles();
        assertArrayEquals(SVG, files.get("Fcpu-db-3.svg"));
        assertArrayEquals(PNG, files.get("Fcpu-db-3.png"), "bytes arrive unchanged");
        List<Map<String, String>> gets = slack.calls("files.getUploadURLExternal");
        assertEquals(List.of(String.valueOf(SVG.length), String.valueOf(PNG.length)),
                gets.stream().map(g -> g.get("length")).toList());
        List<Map<String, String>> completes = slack.calls("files.completeUploadExternal");
        assertEquals(1, completes.size());
        assertEquals("C0INCIDENT", completes.get(0).get("channel_id"));
        assertEquals("1764032400.000100", completes.get(0).get("thread_ts"));
        assertTrue(completes.get(0).get("files").contains("Fcpu-db-3.png"), completes.get(0).get("files"));
    }

    @Test
    void hostileNamesAndTitlesAreMadeSafeAndBounded() throws Exception {
        uploads.upload("C0INCIDENT", "1764032400.000100", List.of(new SlackFileUploads.File(
                "cpu-../../etc/<!channel>\n.png", "title\u0007 " + "x".repeat(400), PNG)));
        Map<String, String> get = slack.calls("files.getUploadURLExternal").get(0);
        assertEquals("cpu-.._.._etc___channel__.png", get.get("filename"));
        String files = slack.calls("files.completeUploadExternal").get(0).get("files");
        assertTrue(!files.contains("\u0007") && files.length() < 400, files);
    }

    @Test
    void passingFailuresAreRetriedAndFinalRefusalsAreNot() throws Exception {
        slack.failFirst("files.getUploadURLExternal", 1, 503);
        uploads.upload("C0INCIDENT", "1764032400.000100", List.of(new SlackFileUploads.File("a.png", "a", PNG)));
        assertEquals(1, slack.calls("files.completeUploadExternal").size(), "retried after a 503, then completed");

        slack.reset();
        slack.refuse("files.completeUploadExternal", "not_in_channel");
        SlackDeliveryException e = assertThrows(SlackDeliveryException.class, () -> uploads.upload("C0OTHER",
                "1764032400.000100", List.of(new SlackFileUploads.File("a.png", "a", PNG))));
        assertEquals("not_in_channel", e.error());
        assertEquals(SlackDeliveryException.Kind.PERMANENT, e.kind());
        assertEquals(1, slack.calls("files.completeUploadExternal").size(), "a final refusal is not retried");

        slack.reset();
        slack.failAll("files.completeUploadExternal", 500);
        SlackDeliveryException outage = assertThrows(SlackDeliveryException.class, () -> uploads.upload("C0INCIDENT",
                "1764032400.000100", List.of(new SlackFileUploads.File("a.png", "a", PNG))));
        assertEquals(SlackDeliveryException.Kind.TRANSIENT, outage.kind());
        assertEquals(3, slack.calls("files.completeUploadExternal").size(), "three attempts, then it gives up");
    }

    private SlackFileUploads uploads() {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(slack.baseUrl());
        config.setHttpClientReadTimeoutMillis(5000);
        return new SlackFileUploads(Slack.getInstance(config).methods("xoxb-test"),
                new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(1),
                        Duration.ofSeconds(5)));
    }
}
