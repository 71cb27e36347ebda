package io.triagebot.slack.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.socket_mode.queue.SocketModeMessageQueue;
import io.triagebot.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket Mode's intake: every message from Slack's WebSocket passes here before anything parses it in
 * full. A message over the size limit is dropped (its length logged, never its text); an envelope whose
 * {@code envelope_id} was seen before (Slack redelivers an envelope it thinks was not acknowledged, and
 * several replicas may each hold a connection) is acknowledged and dropped, so it is acted on once; the
 * rest wait in a bounded queue for the client's processors.
 */
public final class EnvelopeGate implements SocketModeMessageQueue {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeGate.class);

    /** Messages waiting to be processed; beyond it, unacknowledged envelopes come back from Slack later. */
    static final int QUEUE = 256;
    /** Slack redelivers an envelope within minutes; a seen envelope is remembered well past that. */
    static final Duration REMEMBER = Duration.ofMinutes(30);
    private static final Pattern ENVELOPE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReplayLedger ledger;
    private final Clock clock;
    private final int maxChars;
    private final Consumer<String> acknowledge;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);

    /**
     * @param maxChars the longest message accepted
     * @param acknowledge sends Slack the acknowledgement of an envelope id (for replays, acted on elsewhere)
     */
    public EnvelopeGate(ReplayLedger ledger, Clock clock, int maxChars, Consumer<String> acknowledge) {
        this.ledger = ledger;
        this.clock = clock;
        this.maxChars = maxChars;
        this.acknowledge = acknowledge;
    }

    @Override
    public void add(String message) {
        if (message.length() > maxChars) {
            LOG.warn("dropped a Socket Mode message of {} characters (limit {})", message.length(), maxChars);
            return;
        }
        String envelopeId = envelopeId(message);
        if (envelopeId != null && !firstSeen(envelopeId)) {
            return;
        }
        if (!queue.offer(message)) {
            LOG.warn("dropped a Socket Mode message: {} already waiting", QUEUE);
        }
    }

    @Override
    public String poll() {
        return queue.poll();
    }

    private boolean firstSeen(String envelopeId) {
        try {
            if (ledger.firstSeen("envelope:" + envelopeId, clock.instant().plus(REMEMBER))) {
                return true;
            }
            LOG.warn("acknowledged a redelivered Socket Mode envelope {} without acting on it again", envelopeId);
            acknowledge.accept(envelopeId);
            return false;
        } catch (StoreException e) {
            // Unacknowledged, Slack delivers it again later, when the database may answer.
            LOG.error("cannot record Socket Mode envelope {} as seen: {}", envelopeId, e.getMessage());
            return false;
        }
    }

    /** The envelope id of an envelope; null for Slack's other messages (hello, disconnect) or anything unreadable. */
    private static String envelopeId(String message) {
        try {
            JsonNode id = JSON.readTree(message).path("envelope_id");
            return id.isTextual() && ENVELOPE_ID.matcher(id.asText()).matches() ? id.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
