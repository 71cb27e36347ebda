package io.triagebot.slack;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentService;
import io.triagebot.ops.ErrorRef;
import io.triagebot.probe.HostName;
import io.triagebot.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /triage}: answers within Slack's 3 s with an ephemeral acknowledgement. For hosts, opens one
 * incident per host (its anchor queued for delivery) and queues its triage; for note, resolve and timeline,
 * records the event on the incident. Help, bad input and refusals are answered to the requester only.
 */
final class TriageSlashCommand implements SlashCommandHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TriageSlashCommand.class);

    private final TriageDispatcher dispatcher;
    private final IncidentActions actions;
    private final IncidentService incidents;
    private final OutboxDeliverer outbox;
    private final AccessPolicy access;
    private final HostAllowList hostsAllowed;
    private final int maxHosts;

    TriageSlashCommand(TriageDispatcher dispatcher, IncidentActions actions, IncidentService incidents,
            OutboxDeliverer outbox, AccessPolicy access, HostAllowList hostsAllowed, int maxHosts) {
        this.dispatcher = dispatcher;
        this.actions = actions;
        this.incidents = incidents;
        this.outbox = outbox;
        this.access = access;
        this.hostsAllowed = hostsAllowed;
        this.maxHosts = maxHosts;
    }

    @Override
    public Response apply(SlashCommandRequest req, SlashCommandContext ctx) {
        SlashCommandPayload p = req.getPayload();
        if (!SlackIds.isId(p.getChannelId()) || !SlackIds.isId(p.getUserId())) {
            return ctx.ack("This request has no valid channel or user.");
        }
        SlashCommandText parsed = SlashCommandText.parse(p.getText(), maxHosts);
        if (parsed instanceof SlashCommandText.Help) {
            return ctx.ack(SlashCommandText.usage(maxHosts));
        }
        if (parsed instanceof SlashCommandText.Invalid invalid) {
            return ctx.ack(":no_entry: " + Mrkdwn.escape(invalid.message()) + "\n" + SlashCommandText.usage(maxHosts));
        }
        if (parsed instanceof SlashCommandText.Note note) {
            return ctx.ack(actions.note(note.incident(), p.getChannelId(), p.getUserId(), note.text()));
        }
        if (parsed instanceof SlashCommandText.Resolve resolve) {
            return ctx.ack(actions.resolve(resolve.incident(), p.getChannelId(), p.getUserId(), resolve.text()));
        }
        if (parsed instanceof SlashCommandText.Timeline timeline) {
            return ctx.ack(actions.timeline(timeline.incident(), p.getChannelId(), p.getUserId()));
        }
        String refusal = access.refusal(p.getChannelId(), p.getUserId());
        if (refusal != null) {
            return ctx.ack(refusal);
        }
        List<String> started = new ArrayList<>();
        List<String> busy = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (HostName host : ((SlashCommandText.Hosts) parsed).hosts()) {
            if (!hostsAllowed.allows(host)) {
                refused.add(Mrkdwn.code(host.value()));
                continue;
            }
            if (!dispatcher.hasCapacity()) {
                busy.add(Mrkdwn.code(host.value()));
                continue;
            }
            try {
                Incident incident = incidents.open(p.getChannelId(), p.getUserId(), host.value());
                if (dispatcher.submit(incident)) {
                    started.add(Mrkdwn.code(host.value()) + " (" + incident.id() + ")");
                } else {
                    incidents.recordFailure(incident.id(), io.triagebot.probe.TargetException.Kind.TRANSPORT,
                            "too many triages running; not started");
                    busy.add(Mrkdwn.code(host.value()));
                }
            } catch (StoreException e) {
                String ref = ErrorRef.logged(LOG, "cannot open an incident for " + host, e);
                return ctx.ack(":x: The bot cannot reach its database right now; nothing was started (ref " + ref
                        + ").");
            }
        }
        outbox.kick();
        StringBuilder answer = new StringBuilder();
        if (!started.isEmpty()) {
            answer.append(":mag: Triaging ").append(String.join(", ", started))
                    .append(": a thread per host appears in this channel.");
        }
        if (!busy.isEmpty()) {
            answer.append(answer.isEmpty() ? "" : " ").append(":hourglass: Too many triages running; not started: ")
                    .append(String.join(", ", busy)).append(". Try again in a minute.");
        }
        if (!refused.isEmpty()) {
            answer.append(answer.isEmpty() ? "" : "\n").append(HostAllowList.refusal(refused));
        }
        return ctx.ack(answer.toString());
    }
}
