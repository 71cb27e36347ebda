package io.triagebot.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Slack Web API, faked by WireMock on 127.0.0.1: the one part of Slack that cannot run here. */
public final class FakeSlackApi implements AutoCloseable {

    /** The messages Slack stored, with their metadata; answers conversations.replies and history. */
    public final SlackChannels channels = new SlackChannels();

    public final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
            .globalTemplating(true).extensions(channels));

    public FakeSlackApi() {
        server.start();
        reset();
    }

    /** Healthy Slack: every call succeeds. */
    public void reset() {
        server.resetAll();
        channels.clear();
        server.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson(
                "{\"ok\":true,\"url\":\"https://example.slack.com/\",\"team\":\"Example\",\"user\":\"triagebot\","
                        + "\"team_id\":\"T0001\",\"user_id\":\"UBOT0001\",\"bot_id\":\"BBOT0001\"}")));
        // Like Slack, every message gets its own ts, and is kept (with its metadata) for the reads below.
        server.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).atPriority(5)
                .willReturn(aResponse().withStatus(200).withTransformers(SlackChannels.NAME)));
        server.stubFor(post(urlPathEqualTo("/api/conversations.replies")).atPriority(5)
                .willReturn(aResponse().withStatus(200).withTransformers(SlackChannels.NAME)));
        server.stubFor(post(urlPathEqualTo("/api/conversations.history")).atPriority(5)
                .willReturn(aResponse().withStatus(200).withTransformers(SlackChannels.NAME)));
        server.stubFor(post(urlPathEqualTo("/api/chat.update")).atPriority(5).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0INCIDENT\",\"ts\":\"{{formData request.body 'f'}}{{f.ts}}\"}")));
        server.stubFor(post(urlPathEqualTo("/api/chat.postEphemeral")).atPriority(5).willReturn(okJson(
                "{\"ok\":true,\"message_ts\":\"1764032400.000200\"}")));
        // files v2, as Slack does it: an upload URL (on this same fake) and a file id per file, the bytes POSTed
        // there, then one completeUploadExternal naming the files (and the channel and thread to share them in).
        // The file id is made from the file name, so each file of a call gets its own.
        server.stubFor(post(urlPathEqualTo("/api/files.getUploadURLExternal")).atPriority(5).willReturn(okJson(
                "{{formData request.body 'f' urlDecode=true}}{\"ok\":true,\"upload_url\":\"http://127.0.0.1:"
                        + server.port() + "/upload/F{{f.filename}}\",\"file_id\":\"F{{f.filename}}\"}")));
        server.stubFor(post(urlPathMatching("/upload/.*")).atPriority(5)
                .willReturn(aResponse().withStatus(200).withBody("OK")));
        server.stubFor(post(urlPathEqualTo("/api/files.completeUploadExternal")).atPriority(5).willReturn(okJson(
                "{\"ok\":true,\"files\":[{\"id\":\"F0001\",\"title\":\"file\"}]}")));
        // Slack's answer to a call missing what it requires: filename and length; files (and channel_id with
        // thread_ts).
        server.stubFor(post(urlPathEqualTo("/api/files.getUploadURLExternal")).atPriority(3)
                .andMatching(request -> {
                    Map<String, String> f = form(request.getBodyAsString());
                    return MatchResult.of(f.getOrDefault("filename", "").isBlank()
                            || !f.getOrDefault("length", "").matches("[1-9][0-9]{0,9}"));
                })
                .willReturn(okJson("{\"ok\":false,\"error\":\"invalid_arguments\"}")));
        server.stubFor(post(urlPathEqualTo("/api/files.completeUploadExternal")).atPriority(3)
                .andMatching(request -> {
                    Map<String, String> f = form(request.getBodyAsString());
                    return MatchResult.of(!f.getOrDefault("files", "").startsWith("[{")
                            || f.containsKey("thread_ts") && !f.containsKey("channel_id"));
                })
                .willReturn(okJson("{\"ok\":false,\"error\":\"invalid_arguments\"}")));
        publishedLimits();
    }

    /**
     * Like Slack, a message over a published limit is refused with HTTP 200 and {@code ok: false}
     * ({@link SlackPublishedLimits}); these stubs outrank the healthy ones but not an outage's.
     */
    private void publishedLimits() {
        for (String method : List.of("chat.postMessage", "chat.update", "chat.postEphemeral")) {
            for (String error : List.of("invalid_blocks", "msg_too_long")) {
                server.stubFor(post(urlPathEqualTo("/api/" + method)).atPriority(2)
                        .andMatching(request -> MatchResult.of(error.equals(
                                SlackPublishedLimits.violation(form(request.getBodyAsString())))))
                        .willReturn(okJson("{\"ok\":false,\"error\":\"" + error + "\"}")));
            }
        }
    }

    /** Calls Slack refused for a published limit, as "method error". */
    public List<String> limitViolations() {
        List<String> out = new java.util.ArrayList<>();
        for (var e : server.getAllServeEvents()) {
            String body = e.getResponse().getBodyAsString();
            if (body != null && (body.contains("\"invalid_blocks\"") || body.contains("\"msg_too_long\""))) {
                out.add(e.getRequest().getUrl() + " " + body);
            }
        }
        return out;
    }

    /**
     * Every string the bot sent to Slack, from every recorded call: each form field, and every string inside
     * a field or body that holds JSON (blocks, views), so a test can look at what Slack would render.
     */
    public List<String> everyTextSent() {
        List<String> out = new java.util.ArrayList<>();
        for (var e : server.getAllServeEvents()) {
            String body = e.getRequest().getBodyAsString();
            if (body == null || body.isEmpty()) {
                continue;
            }
            String type = e.getRequest().getHeader("Content-Type");
            if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
                form(body).values().forEach(v -> collect(v, out));
            } else {
                collect(body, out);
            }
        }
        return out;
    }

    private static void collect(String value, List<String> out) {
        String t = value.strip();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                collectJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(t), out);
                return;
            } catch (java.io.IOException e) {
                // Not JSON after all: the text itself.
            }
        }
        out.add(value);
    }

    private static void collectJson(com.fasterxml.jackson.databind.JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.asText());
        } else {
            node.forEach(child -> collectJson(child, out));
        }
    }

    /** Every call to {@code method} answers {@code status} until {@link #reset()}: a Slack outage. */
    public void failAll(String method, int status) {
        server.stubFor(post(urlPathEqualTo("/api/" + method)).atPriority(1)
                .willReturn(aResponse().withStatus(status).withBody("upstream error")));
    }

    /** The raw bodies POSTed to an upload URL: the files' content. */
    public List<String> uploads() {
        return server.findAll(postRequestedFor(urlPathMatching("/upload/.*"))).stream()
                .map(LoggedRequest::getBodyAsString).toList();
    }

    /** The bytes POSTed to each upload URL, by the file id the URL was issued for ("F" and the file name). */
    public Map<String, byte[]> uploadedFiles() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (LoggedRequest r : server.findAll(postRequestedFor(urlPathMatching("/upload/.*")))) {
            String path = r.getUrl();
            out.put(URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8), r.getBody());
        }
        return out;
    }

    /** Successful chat.postMessage and chat.update calls, oldest first, as "method text". */
    public List<String> deliveredInOrder() {
        List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> events = new java.util.ArrayList<>(
                server.getAllServeEvents());
        java.util.Collections.reverse(events);
        List<String> out = new java.util.ArrayList<>();
        for (var e : events) {
            String url = e.getRequest().getUrl();
            if (accepted(e) && (url.startsWith("/api/chat.postMessage")
                    || url.startsWith("/api/chat.update"))) {
                Map<String, String> f = form(e.getRequest());
                out.add(url.substring(5) + (f.containsKey("thread_ts") ? " reply" : "") + " " + f.get("text"));
            }
        }
        return out;
    }

    /** The first {@code failures} calls to {@code method} answer {@code status} (with Retry-After on 429). */
    public void failFirst(String method, int failures, int status) {
        String scenario = method + "-flaky";
        for (int i = 0; i < failures; i++) {
            String state = i == 0 ? com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED : "failed-" + i;
            server.stubFor(post(urlPathEqualTo("/api/" + method)).atPriority(1).inScenario(scenario)
                    .whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(status).withHeader("Retry-After", "1")
                            .withBody(status == 429 ? "{\"ok\":false,\"error\":\"ratelimited\"}" : "upstream error"))
                    .willSetStateTo(i + 1 < failures ? "failed-" + (i + 1) : "recovered"));
        }
    }

    /**
     * The first chat.postMessage is stored by Slack but answered only after {@code delayMillis}: a client
     * with a shorter read timeout cannot tell whether it was posted.
     */
    public void slowFirstPost(int delayMillis) {
        server.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).atPriority(1).inScenario("slow-first-post")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(delayMillis).withTransformers(SlackChannels.NAME))
                .willSetStateTo("answered"));
    }

    /** Every call to {@code method} answers HTTP 200 {@code ok: false} with {@code error} until {@link #reset()}. */
    public void refuse(String method, String error) {
        server.stubFor(post(urlPathEqualTo("/api/" + method)).atPriority(1)
                .willReturn(okJson("{\"ok\":false,\"error\":\"" + error + "\"}")));
    }

    /**
     * chat.postMessage calls whose form body contains {@code marker} (plain letters and digits, so encoding
     * cannot hide it) answer {@code ok: false} with {@code error}, like Slack refusing that message.
     */
    public void refusePostsContaining(String marker, String error) {
        server.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).atPriority(2)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(marker))
                .willReturn(okJson("{\"ok\":false,\"error\":\"" + error + "\"}")));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/api/";
    }

    /** Form parameters of every call to {@code method}, in order. */
    public List<Map<String, String>> calls(String method) {
        return server.findAll(postRequestedFor(urlPathEqualTo("/api/" + method))).stream()
                .map(FakeSlackApi::form).toList();
    }

    /** The ts Slack gave each delivered top-level message (an anchor), oldest first. */
    public List<String> anchorTs() {
        return postedTs(m -> !m.containsKey("thread_ts"));
    }

    /** The ts Slack gave each delivered chat.postMessage whose form matches, oldest first. */
    public List<String> postedTs(java.util.function.Predicate<Map<String, String>> match) {
        List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> events = new java.util.ArrayList<>(
                server.getAllServeEvents());
        java.util.Collections.reverse(events);
        List<String> out = new java.util.ArrayList<>();
        for (var e : events) {
            if (e.getRequest().getUrl().startsWith("/api/chat.postMessage") && accepted(e)
                    && match.test(form(e.getRequest()))) {
                String body = e.getResponse().getBodyAsString();
                int at = body.indexOf("\"ts\":\"") + 6;
                out.add(body.substring(at, body.indexOf('"', at)));
            }
        }
        return out;
    }

    /** How many calls to {@code method} Slack accepted (200 and {@code ok: true}). */
    public long delivered(String method) {
        return server.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/api/" + method))
                .filter(FakeSlackApi::accepted).count();
    }

    /** Slack took the call: HTTP 200 with {@code ok: true} (a refusal is HTTP 200 too). */
    private static boolean accepted(com.github.tomakehurst.wiremock.stubbing.ServeEvent e) {
        String body = e.getResponse().getBodyAsString();
        return e.getResponse().getStatus() == 200 && (body == null || !body.contains("\"ok\":false"));
    }

    static Map<String, String> form(com.github.tomakehurst.wiremock.http.Request r) {
        return form(r.getBodyAsString());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop();
    }
}
