package io.triagebot.slack;

import io.triagebot.ops.BotMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Times every Slack Web API call and counts how it ended, by method. Slack answers most errors with HTTP
 * 200 and {@code "ok": false}, so the result is read from a bounded peek at the body; the body itself is
 * left untouched for the SDK.
 */
final class SlackApiObserver implements Interceptor {

    /** Slack's answers put {@code ok} and {@code error} first; a few KiB always hold them. */
    private static final long PEEK_BYTES = 4096;
    private static final Pattern NOT_OK = Pattern.compile("\"ok\"\\s*:\\s*false");
    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([a-z0-9_]{1,64})\"");

    private final BotMetrics metrics;

    SlackApiObserver(BotMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        String method = method(chain.request().url().encodedPath());
        long start = System.nanoTime();
        Response response;
        try {
            response = chain.proceed(chain.request());
        } catch (IOException | RuntimeException e) {
            metrics.slackApiCall(method, "network_error", Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
        metrics.slackApiCall(method, result(response), Duration.ofNanos(System.nanoTime() - start));
        return response;
    }

    /** The API method is the path's last segment: {@code /api/chat.postMessage}. */
    static String method(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static String result(Response response) throws IOException {
        if (response.code() == 429) {
            return "ratelimited";
        }
        if (response.code() >= 500) {
            return "http_5xx";
        }
        if (response.code() != 200) {
            return "http_4xx";
        }
        String head = new String(response.peekBody(PEEK_BYTES).bytes(), StandardCharsets.UTF_8);
        if (!NOT_OK.matcher(head).find()) {
            return "ok";
        }
        Matcher error = ERROR.matcher(head);
        return error.find() ? error.group(1) : "unknown_error";
    }
}
