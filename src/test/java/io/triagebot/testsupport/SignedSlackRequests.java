package io.triagebot.testsupport;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends requests to the bot the way Slack does: form-encoded slash command payloads, signed with v0 HMAC
 * SHA-256 over "v0:timestamp:body" with the signing secret (Slack's "verifying requests" scheme).
 */
public final class SignedSlackRequests {

    private final URI endpoint;
    private final String signingSecret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public SignedSlackRequests(URI endpoint, String signingSecret) {
        this.endpoint = endpoint;
        this.signingSecret = signingSecret;
    }

    public static Map<String, String> slashCommand(String channel, String user, String text) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", "legacy-verification-token");
        form.put("team_id", "T0001");
        form.put("team_domain", "example");
        form.put("channel_id", channel);
        form.put("channel_name", "incident");
        form.put("user_id", user);
        form.put("user_name", "oncall");
        form.put("command", "/triage");
        form.put("text", text);
        form.put("api_app_id", "A0001");
        form.put("response_url", "https://hooks.slack.com/commands/T0001/1/abc");
        // Slack gives every command its own trigger id, so two commands are never the same bytes.
        form.put("trigger_id", triggerId());
        return form;
    }

    /** A button click as Slack sends it: a form with one field, "payload", holding the JSON. */
    public static Map<String, String> buttonClick(String channel, String user, String actionId, String value) {
        String json = "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0001\",\"domain\":\"example\"},"
                + "\"user\":{\"id\":\"" + user + "\",\"username\":\"oncall\",\"team_id\":\"T0001\"},"
                + "\"api_app_id\":\"A0001\",\"token\":\"legacy\",\"trigger_id\":\"" + triggerId() + "\","
                + "\"container\":{\"type\":\"message\",\"message_ts\":\"1764032400.000100\",\"channel_id\":\""
                + channel + "\"},\"channel\":{\"id\":\"" + channel + "\",\"name\":\"incident\"},"
                + "\"response_url\":\"https://hooks.slack.com/actions/T0001/1/abc\","
                + "\"actions\":[{\"action_id\":\"" + actionId + "\",\"block_id\":\"b1\",\"type\":\"button\","
                + "\"value\":\"" + value + "\",\"action_ts\":\"1764032401.000200\"}]}";
        return Map.of("payload", json);
    }

    private static String triggerId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return r.nextLong(1_000_000_000L, 9_999_999_999L) + "." + r.nextInt(1000, 9999) + "." + Long.toHexString(r.nextLong());
    }

    public HttpResponse<String> send(Map<String, String> form) throws Exception {
        return send(form, System.currentTimeMillis() / 1000, null);
    }

    /** @param forgedSignature when set, sent instead of the right signature */
    public HttpResponse<String> send(Map<String, String> form, long timestamp, String forgedSignature) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        String signature = forgedSignature != null ? forgedSignature : sign(timestamp, body);
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public String sign(long timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] digest = mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
        return "v0=" + HexFormat.of().formatHex(digest);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
