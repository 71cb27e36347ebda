package io.triagebot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts and updates messages through the Slack Web API, retrying what Slack says is passing: HTTP 429
 * (after its Retry-After), 5xx and network errors, with exponential backoff. Errors Slack gives as final
 * ({@code ok: false} with channel_not_found, invalid_auth...) are not retried.
 */
public final class SlackPoster {

    private static final Logger LOG = LoggerFactory.getLogger(SlackPoster.class);

    /** Sleeps; replaced in tests that count waits. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** One Web API call. */
    @FunctionalInterface
    private interface Call<T extends SlackApiTextResponse> {
        T run() throws IOException, SlackApiException;
    }

    private final MethodsClient methods;
    private final RetryPolicy policy;
    private final Sleeper sleeper;

    public SlackPoster(MethodsClient methods, RetryPolicy policy) {
        this(methods, policy, d -> Thread.sleep(d.toMillis()));
    }

    SlackPoster(MethodsClient methods, RetryPolicy policy, Sleeper sleeper) {
        this.methods = methods;
        this.policy = policy;
        this.sleeper = sleeper;
    }

    /** Posts to a channel, or into a thread when {@code threadTs} is set; returns the message's ts. */
    public String post(String channel, String threadTs, SlackMessage message) throws SlackDeliveryException {
        ChatPostMessageResponse r = call("chat.postMessage", () -> methods.chatPostMessage(req -> req
                .channel(channel).threadTs(threadTs).text(message.text()).blocks(message.blocks())
                .unfurlLinks(false).unfurlMedia(false)));
        return r.getTs();
    }

    public void update(String channel, String ts, SlackMessage message) throws SlackDeliveryException {
        call("chat.update", () -> methods.chatUpdate(req -> req.channel(channel).ts(ts).text(message.text())
                .blocks(message.blocks())));
    }

    /** Uploads a text file into a thread (files.getUploadURLExternal, upload, completeUploadExternal). */
    public void upload(String channel, String threadTs, MessageCodec.Upload file) throws SlackDeliveryException {
        for (int attempt = 1; ; attempt++) {
            try {
                var r = methods.filesUploadV2(req -> req.channel(channel).threadTs(threadTs).filename(file.filename())
                        .title(file.title()).content(file.content()).initialComment(file.comment())
                        .requestFileInfo(false));
                if (r.isOk()) {
                    return;
                }
                throw new SlackDeliveryException("files.uploadV2", r.getError(), null);
            } catch (IOException | SlackApiException | com.slack.api.methods.SlackFilesUploadV2Exception e) {
                if (e instanceof SlackApiException api && api.getResponse().code() != 429
                        && api.getResponse().code() < 500) {
                    throw new SlackDeliveryException("files.uploadV2", "HTTP " + api.getResponse().code(), e);
                }
                if (attempt >= policy.maxAttempts()) {
                    throw new SlackDeliveryException("files.uploadV2", "gave up after " + attempt + " attempts: " + e, e);
                }
                try {
                    sleeper.sleep(policy.backoff(attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SlackDeliveryException("files.uploadV2", "interrupted while retrying", ie);
                }
            }
        }
    }

    /** An ephemeral line of escaped mrkdwn (within Slack's limit on a message's text). */
    public void ephemeral(String channel, String user, String text) throws SlackDeliveryException {
        String fitted = SlackLimits.text(text);
        call("chat.postEphemeral", () -> methods.chatPostEphemeral(req -> req.channel(channel).user(user)
                .text(fitted)));
    }

    /** An ephemeral message with blocks, in a thread when {@code threadTs} is set. */
    public void ephemeral(String channel, String user, String threadTs, SlackMessage message)
            throws SlackDeliveryException {
        call("chat.postEphemeral", () -> methods.chatPostEphemeral(req -> req.channel(channel).user(user)
                .threadTs(threadTs).text(message.text()).blocks(message.blocks())));
    }

    private <T extends SlackApiTextResponse> T call(String method, Call<T> call) throws SlackDeliveryException {
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            String why;
            try {
                T response = call.run();
                if (response.isOk()) {
                    return response;
                }
                if (!"ratelimited".equals(response.getError()) && !"internal_error".equals(response.getError())
                        && !"fatal_error".equals(response.getError())) {
                    throw new SlackDeliveryException(method, response.getError(), null);
                }
                why = response.getError();
                wait = retryAfter(response.getHttpResponseHeaders()).orElse(policy.backoff(attempt));
            } catch (SlackApiException e) {
                int status = e.getResponse().code();
                if (status != 429 && status < 500) {
                    throw new SlackDeliveryException(method, "HTTP " + status
                            + (e.getError() == null ? "" : " " + e.getError().getError()), e);
                }
                why = "HTTP " + status;
                wait = status == 429 ? retryAfter(e.getResponse().header("Retry-After")).orElse(policy.backoff(attempt))
                        : policy.backoff(attempt);
            } catch (IOException e) {
                why = e.toString();
                wait = policy.backoff(attempt);
            }
            if (attempt >= policy.maxAttempts()) {
                throw new SlackDeliveryException(method, "gave up after " + attempt + " attempts, last: " + why, null);
            }
            LOG.warn("{} attempt {} failed ({}); retrying in {} ms", method, attempt, why, wait.toMillis());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SlackDeliveryException(method, "interrupted while retrying", e);
            }
        }
    }

    private java.util.Optional<Duration> retryAfter(Map<String, List<String>> headers) {
        if (headers == null) {
            return java.util.Optional.empty();
        }
        List<String> values = headers.get("retry-after");
        return retryAfter(values == null || values.isEmpty() ? null : values.get(0));
    }

    private java.util.Optional<Duration> retryAfter(String header) {
        if (header == null) {
            return java.util.Optional.empty();
        }
        try {
            long seconds = Long.parseLong(header.strip());
            Duration d = Duration.ofSeconds(Math.max(0, seconds));
            return java.util.Optional.of(d.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : d);
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }
}
