package io.triagebot.slack.intake;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.slack.api.bolt.App;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.socket_mode.request.SocketModeRequest;
import com.slack.api.bolt.socket_mode.request.SocketModeRequestParser;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.response.AckResponse;
import com.slack.api.util.json.GsonFactory;
import io.triagebot.ops.ErrorRef;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket Mode clients whose messages pass the {@link EnvelopeGate} (size bound, envelope dedupe) before
 * Bolt parses and runs them; Bolt's answer goes back as the envelope's acknowledgement, as Bolt's own
 * Socket Mode adapter does it.
 */
public final class SocketModeIntake {

    private static final Logger LOG = LoggerFactory.getLogger(SocketModeIntake.class);

    private SocketModeIntake() {
    }

    /** For {@code new SocketModeApp(clients(...), app)}: each reconnection builds a client through it. */
    public static Supplier<SocketModeClient> clients(App app, String appToken, ReplayLedger ledger, Clock clock,
            int maxChars) {
        return () -> {
            try {
                SocketModeClient client = app.slack().socketMode(appToken, SocketModeClient.Backend.JavaWebSocket);
                client.setMessageQueue(new EnvelopeGate(ledger, clock, maxChars,
                        id -> client.sendSocketModeResponse(new AckResponse(id))));
                SocketModeRequestParser parser = new SocketModeRequestParser(app.config());
                Gson gson = GsonFactory.createSnakeCase(app.slack().getConfig());
                client.addWebSocketMessageListener(message -> run(message, app, client, parser, gson));
                return client;
            } catch (IOException e) {
                LOG.error("cannot open a Socket Mode connection: {}", e.getMessage());
                return null;
            }
        };
    }

    private static void run(String message, App app, SocketModeClient client, SocketModeRequestParser parser,
            Gson gson) {
        try {
            SocketModeRequest req = parser.parse(message);
            if (req == null) {
                return;
            }
            Response answer = app.run(req.getBoltRequest());
            if (answer.getStatusCode() != 200) {
                LOG.warn("a Socket Mode request was not handled: status {}", answer.getStatusCode());
                return;
            }
            String envelopeId = req.getEnvelope().getEnvelopeId();
            if (answer.getBody() == null) {
                client.sendSocketModeResponse(new AckResponse(envelopeId));
                return;
            }
            Map<String, Object> response = new HashMap<>();
            response.put("envelope_id", envelopeId);
            if (answer.getContentType().startsWith("application/json")) {
                response.put("payload", gson.fromJson(answer.getBody(), JsonElement.class));
            } else {
                response.put("payload", Map.of("text", answer.getBody()));
            }
            client.sendSocketModeResponse(gson.toJson(response));
        } catch (Exception e) {
            ErrorRef.logged(LOG, "a Socket Mode request failed", e);
        }
    }
}
