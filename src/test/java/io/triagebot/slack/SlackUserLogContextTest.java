package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import io.triagebot.ops.LogContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SlackUserLogContextTest {

    @Test
    void linesLoggedWhileARequestIsHandledNameItsSender() throws Exception {
        assertEquals(Map.of("slack_user", "U0ONCALL"), fieldsDuring("U0ONCALL"));
        assertEquals(Map.of(), LogContext.current(), "nothing left on the thread afterwards");
    }

    @Test
    void aUserIdThatIsNoSlackIdIsLeftOut() throws Exception {
        assertEquals(Map.of(), fieldsDuring("U0\n2026-01-01 INFO forged line"));
        assertEquals(Map.of(), fieldsDuring(null));
    }

    private static Map<String, String> fieldsDuring(String user) throws Exception {
        String body = "command=%2Ftriage&text=db-3&channel_id=C0INCIDENT"
                + (user == null ? "" : "&user_id=" + java.net.URLEncoder.encode(user, StandardCharsets.UTF_8));
        SlashCommandRequest request = new SlashCommandRequest(body, new RequestHeaders(Map.of()));
        AtomicReference<Map<String, String>> seen = new AtomicReference<>();
        new SlackUserLogContext().apply(request, Response.ok(), req -> {
            seen.set(LogContext.current());
            return Response.ok();
        });
        return seen.get();
    }
}
