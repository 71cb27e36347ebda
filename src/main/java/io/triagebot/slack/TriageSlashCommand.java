package io.triagebot.slack;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code /triage HOST...}: answers within Slack's 3 s with an ephemeral acknowledgement, and queues one
 * background triage per host. Help, bad input and refusals are answered ephemerally, to the requester only.
 */
final class TriageSlashCommand implements SlashCommandHandler {

    private final TriageDispatcher dispatcher;
    private final AccessPolicy access;
    private final int maxHosts;
    private final Clock clock;

    TriageSlashCommand(TriageDispatcher dispatcher, AccessPolicy access, int maxHosts, Clock clock) {
        this.dispatcher = dispatcher;
        this.access = access;
        this.maxHosts = maxHosts;
        this.clock = clock;
    }

    @Override
    public Response apply(SlashCommandRequest req, SlashCommandContext ctx) {
        SlashCommandPayload p = req.getPayload();
        if (!SlackIds.isId(p.getChannelId()) || !SlackIds.isId(p.getUserId())) {
            return ctx.ack("This request has no valid channel or user.");
        }
        String refusal = access.refusal(p.getChannelId(), p.getUserId());
        if (refusal != null) {
            return ctx.ack(refusal);
        }
        SlashCommandText parsed = SlashCommandText.parse(p.getText(), maxHosts);
        if (parsed instanceof SlashCommandText.Help) {
            return ctx.ack(SlashCommandText.usage(maxHosts));
        }
        if (parsed instanceof SlashCommandText.Invalid invalid) {
            return ctx.ack(":no_entry: " + Mrkdwn.escape(invalid.message()) + "\n" + SlashCommandText.usage(maxHosts));
        }
        List<io.triagebot.probe.HostName> hosts = ((SlashCommandText.Hosts) parsed).hosts();
        List<String> refused = hosts.stream()
                .filter(h -> !dispatcher.submit(new TriageRequest(p.getChannelId(), p.getUserId(), h, clock.instant())))
                .map(h -> h.value()).toList();
        String queued = hosts.stream().map(h -> h.value()).filter(h -> !refused.contains(h))
                .map(Mrkdwn::code).collect(Collectors.joining(", "));
        if (refused.isEmpty()) {
            return ctx.ack(":mag: Triaging " + queued + ": a thread per host will appear in this channel.");
        }
        return ctx.ack((queued.isEmpty() ? "" : ":mag: Triaging " + queued + ". ") + ":hourglass: Too many triages"
                + " running; not queued: " + refused.stream().map(Mrkdwn::code).collect(Collectors.joining(", "))
                + ". Try again in a minute.");
    }
}
