package io.triagebot.testsupport;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What Slack keeps of the messages posted to the fake: chat.postMessage stores each one (with its metadata)
 * when the request arrives, before any delay the stub adds, as Slack does when a response is slow to come
 * back; conversations.replies and conversations.history answer from it as Slack does, with each message's
 * metadata only when {@code include_all_metadata=true}.
 */
public final class SlackChannels implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "slack-channels";

    /** A stored message; {@code metadata} is the JSON the poster sent, or null. */
    public record Posted(String channel, String ts, String threadTs, String text, String metadata) {

        /** The {@code event_payload} field {@code field} of the metadata, or null. */
        public String payload(String field) {
            if (metadata == null) {
                return null;
            }
            JsonObject payload = JsonParser.parseString(metadata).getAsJsonObject().getAsJsonObject("event_payload");
            return payload == null || !payload.has(field) ? null : payload.get(field).getAsString();
        }
    }

    private static final Gson GSON = new Gson();
    private static final int DEFAULT_LIMIT = 100;

    private final List<Posted> posted = new CopyOnWriteArrayList<>();
    private final AtomicLong nextTs = new AtomicLong();
    private volatile Consumer<Posted> onStored = p -> { };

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Forgets every message. */
    public void clear() {
        posted.clear();
        onStored = p -> { };
    }

    /** Every stored message, oldest first. */
    public List<Posted> posted() {
        return List.copyOf(posted);
    }

    /** Runs {@code hook} on the request thread right after a message is stored, before Slack answers. */
    public void onStored(Consumer<Posted> hook) {
        onStored = hook;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String url = event.getRequest().getUrl();
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        Map<String, String> form = FakeSlackApi.form(event.getRequest());
        JsonObject answer = switch (path) {
            case "/api/chat.postMessage" -> post(form);
            case "/api/conversations.replies" -> replies(form);
            case "/api/conversations.history" -> history(form);
            default -> error("unknown_method");
        };
        return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but()
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody(GSON.toJson(answer)).build();
    }

    private JsonObject post(Map<String, String> form) {
        String channel = form.get("channel");
        if (channel == null || channel.isBlank()) {
            return error("channel_not_found");
        }
        // Like Slack: the time of posting in microseconds, unique and increasing.
        long now = java.time.Instant.now().toEpochMilli() * 1000;
        long micros = nextTs.updateAndGet(last -> Math.max(last + 1, now));
        String ts = String.format(java.util.Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
        Posted p = new Posted(channel, ts, form.get("thread_ts"), form.get("text"), form.get("metadata"));
        posted.add(p);
        onStored.accept(p);
        JsonObject answer = new JsonObject();
        answer.addProperty("ok", true);
        answer.addProperty("channel", channel);
        answer.addProperty("ts", ts);
        answer.add("message", message(p, false));
        return answer;
    }

    private JsonObject replies(Map<String, String> form) {
        String channel = form.get("channel");
        String thread = form.get("ts");
        List<Posted> parent = posted.stream().filter(p -> p.channel().equals(channel) && p.ts().equals(thread)).toList();
        if (parent.isEmpty()) {
            return error("thread_not_found");
        }
        // The parent first, then the replies in the window, oldest first.
        List<Posted> found = new ArrayList<>(parent);
        posted.stream().filter(p -> p.channel().equals(channel) && thread.equals(p.threadTs()))
                .filter(p -> inWindow(p, form)).sorted(Comparator.comparing(Posted::ts)).forEach(found::add);
        return page(found, form);
    }

    private JsonObject history(Map<String, String> form) {
        String channel = form.get("channel");
        // Top-level messages, newest first.
        List<Posted> found = posted.stream().filter(p -> p.channel().equals(channel) && p.threadTs() == null)
                .filter(p -> inWindow(p, form)).sorted(Comparator.comparing(Posted::ts).reversed()).toList();
        return page(found, form);
    }

    private static boolean inWindow(Posted p, Map<String, String> form) {
        String oldest = form.get("oldest");
        String latest = form.get("latest");
        return (oldest == null || new java.math.BigDecimal(p.ts()).compareTo(new java.math.BigDecimal(oldest)) >= 0)
                && (latest == null || new java.math.BigDecimal(p.ts()).compareTo(new java.math.BigDecimal(latest)) <= 0);
    }

    /** {@code limit} messages from the cursor (an offset here; opaque to clients, as Slack's are). */
    private static JsonObject page(List<Posted> found, Map<String, String> form) {
        int limit = form.containsKey("limit") ? Integer.parseInt(form.get("limit")) : DEFAULT_LIMIT;
        int from = form.containsKey("cursor") && !form.get("cursor").isBlank()
                ? Integer.parseInt(form.get("cursor").substring("off:".length())) : 0;
        boolean metadata = "true".equals(form.get("include_all_metadata")) || "1".equals(form.get("include_all_metadata"));
        JsonArray messages = new JsonArray();
        int to = Math.min(found.size(), from + limit);
        for (Posted p : found.subList(Math.min(from, to), to)) {
            messages.add(message(p, metadata));
        }
        JsonObject answer = new JsonObject();
        answer.addProperty("ok", true);
        answer.add("messages", messages);
        answer.addProperty("has_more", to < found.size());
        JsonObject meta = new JsonObject();
        meta.addProperty("next_cursor", to < found.size() ? "off:" + to : "");
        answer.add("response_metadata", meta);
        return answer;
    }

    private static JsonObject message(Posted p, boolean withMetadata) {
        JsonObject m = new JsonObject();
        m.addProperty("type", "message");
        m.addProperty("user", "UBOT0001");
        m.addProperty("bot_id", "BBOT0001");
        m.addProperty("text", p.text());
        m.addProperty("ts", p.ts());
        if (p.threadTs() != null) {
            m.addProperty("thread_ts", p.threadTs());
        }
        if (withMetadata && p.metadata() != null) {
            m.add("metadata", JsonParser.parseString(p.metadata()));
        }
        return m;
    }

    private static JsonObject error(String code) {
        JsonObject answer = new JsonObject();
        answer.addProperty("ok", false);
        answer.addProperty("error", code);
        return answer;
    }
}
