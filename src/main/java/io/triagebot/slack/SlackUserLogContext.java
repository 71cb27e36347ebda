package io.triagebot.slack;

import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.response.Response;
import io.triagebot.ops.LogContext;

/**
 * Bolt middleware: every line logged while a Slack request is handled names who sent it
 * ({@code slack_user}). Work handed to other threads carries its own fields (the triage pool, the click
 * pool, the outbox).
 */
final class SlackUserLogContext implements Middleware {

    @Override
    public Response apply(Request req, Response resp, MiddlewareChain chain) throws Exception {
        String user = req.getContext() == null ? null : req.getContext().getRequestUserId();
        // Slack's ids only: anything else would be a value the sender chose, and is left out.
        try (LogContext.Scope scope = LogContext.with(LogContext.Field.SLACK_USER,
                SlackIds.isId(user) ? user : null).open()) {
            return chain.next(req);
        }
    }
}
