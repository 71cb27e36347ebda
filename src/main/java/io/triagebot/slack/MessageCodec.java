package io.triagebot.slack;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.util.json.GsonFactory;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import java.util.List;

/**
 * How a Slack message is stored in the outbox: JSON with the fallback text and the Block Kit blocks in
 * Slack's own wire format (the SDK's Gson), or, for an upload, the file name, title and content.
 */
final class MessageCodec {

    private static final Gson GSON = GsonFactory.createSnakeCase();

    /** A file for the thread. */
    record Upload(String filename, String title, String content, String comment) {
    }

    private MessageCodec() {
    }

    static OutgoingMessage message(OutboxKind kind, SlackMessage m) {
        return message(kind, m, null);
    }

    /** A message under {@code key}: the keyed reply, or an UPDATE that rewrites it. */
    static OutgoingMessage message(OutboxKind kind, SlackMessage m, String key) {
        JsonObject o = new JsonObject();
        o.addProperty("text", m.text());
        o.add("blocks", GSON.toJsonTree(m.blocks()));
        return new OutgoingMessage(kind, GSON.toJson(o), key);
    }

    static OutgoingMessage upload(Upload u) {
        JsonObject o = new JsonObject();
        o.addProperty("filename", u.filename());
        o.addProperty("title", u.title());
        o.addProperty("content", u.content());
        o.addProperty("comment", u.comment());
        return new OutgoingMessage(OutboxKind.UPLOAD, GSON.toJson(o));
    }

    static SlackMessage decodeMessage(String body) {
        JsonObject o = JsonParser.parseString(body).getAsJsonObject();
        JsonArray blocks = o.getAsJsonArray("blocks");
        List<LayoutBlock> parsed = GSON.fromJson(blocks, new TypeToken<List<LayoutBlock>>() { }.getType());
        return new SlackMessage(o.get("text").getAsString(), parsed);
    }

    static Upload decodeUpload(String body) {
        JsonObject o = JsonParser.parseString(body).getAsJsonObject();
        return new Upload(o.get("filename").getAsString(), o.get("title").getAsString(),
                o.get("content").getAsString(), o.has("comment") && !o.get("comment").isJsonNull()
                        ? o.get("comment").getAsString() : null);
    }
}
