package io.triagebot.slack;

import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.IncidentService;
import io.triagebot.ops.ErrorRef;
import io.triagebot.store.StoreException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Note, resolve and timeline on an incident, from the slash command or the anchor's buttons. Each answers
 * with the ephemeral line to show the person who asked; the thread gets the event through the outbox.
 *
 * <p>An incident is acted on only from its own channel, by someone allowed to triage there. Asked from
 * anywhere else, it answers exactly as for an incident that does not exist: incident numbers are
 * sequential, and a private channel's incidents must not be discoverable (nor changed) from outside it.
 */
final class IncidentActions {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentActions.class);

    private final IncidentService incidents;
    private final OutboxDeliverer outbox;
    private final AccessPolicy access;

    IncidentActions(IncidentService incidents, OutboxDeliverer outbox, AccessPolicy access) {
        this.incidents = incidents;
        this.outbox = outbox;
        this.access = access;
    }

    String note(IncidentId id, String channel, String user, String text) {
        return act(id, channel, user, incident -> {
            incidents.note(id, user, text);
            return ":memo: Noted in " + id + "'s thread.";
        });
    }

    String resolve(IncidentId id, String channel, String user, String text) {
        return act(id, channel, user, incident -> incidents.resolve(id, user, text)
                ? ":white_check_mark: " + id + " resolved." + (text == null
                        ? " Tip: `/triage note " + id + " WHAT FIXED IT` helps the next person who sees this." : "")
                : id + " was already resolved.");
    }

    String timeline(IncidentId id, String channel, String user) {
        return act(id, channel, user, incident -> {
            incidents.exportTimeline(id, user);
            return ":page_facing_up: Uploading " + id + "'s timeline to its thread.";
        });
    }

    /** One action on one incident. */
    @FunctionalInterface
    private interface Action {
        String run(Incident incident) throws StoreException;
    }

    /** What anyone outside an incident's channel hears about it, whether it exists or not. */
    static String notFound(IncidentId id) {
        return ":grey_question: There is no incident " + id + " in this channel.";
    }

    private String act(IncidentId id, String channel, String user, Action action) {
        try {
            // Refusals that depend only on where and who come first: they say nothing about the incident.
            String refusal = access.refusal(channel, user);
            if (refusal != null) {
                return refusal;
            }
            Optional<Incident> incident = incidents.find(id);
            if (incident.isEmpty() || !incident.get().channel().equals(channel)) {
                return notFound(id);
            }
            String answer = action.run(incident.get());
            outbox.kick();
            return answer;
        } catch (StoreException e) {
            String ref = ErrorRef.logged(LOG, "incident action on " + id + " failed", e);
            return ":x: The bot cannot reach its database right now; nothing was done (ref " + ref + ").";
        }
    }
}
