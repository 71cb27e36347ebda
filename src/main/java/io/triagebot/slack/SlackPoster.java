package io.triagebot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.Message;
import com.slack.api.model.ResponseMetadata;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts and updates messages through the Slack Web API, retrying what Slack says is passing: HTTP 429
 * (after its Retry-After), 5xx and network errors, with exponential backoff. Errors Slack gives as final
 * ({@code ok: false} with channel_not_found, invalid_auth...) are not retried.
 *
 * <p>{@link #postOnce} posts a message exactly once: it carries its {@link DeliveryKey} in Slack's message
 * metadata, and after any failure that may have left the post stored (a timeout, a 5xx) the channel is
 * searched for the key before the post is repeated.
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

    /** Pages of a thread or channel searched for a key; a message not found in them is posted again. */
    static final int MAX_LOOKUP_PAGES = 10;
    /** Slack's ts and the bot's clock may disagree a little: the search starts this much earlier. */
    static final Duration LOOKUP_MARGIN = Duration.ofMinutes(5);
    /** A lookup refused for want of a scope: the app's configuration, not the message, is at fault. */
    private static final java.util.Set<String> CANNOT_READ = java.util.Set.of("missing_scope", "not_allowed_token_type",
            "no_permission");

    private final MethodsClient methods;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final Clock clock;

    public SlackPoster(MethodsClient methods, RetryPolicy policy) {
        this(methods, policy, d -> Thread.sleep(d.toMillis()), Clock.systemUTC());
    }

    SlackPoster(MethodsClient methods, RetryPolicy policy, Sleeper sleeper) {
        this(methods, policy, sleeper, Clock.systemUTC());
    }

    SlackPoster(MethodsClient methods, RetryPolicy policy, Sleeper sleeper, Clock clock) {
        this.methods = methods;
        this.policy = policy;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /**
     * Posts {@code message} unless Slack already has it: returns the ts of the one message in Slack carrying
     * {@code key}. With {@code inDoubt} (an earlier post may have been stored) the channel is searched
     * first; so it is after every attempt that may have been stored. No post starts that could still be
     * running at {@code notAfter} (the end of the caller's claim): whoever takes the message over then
     * finds what was posted before.
     */
    public String postOnce(String channel, String threadTs, SlackMessage message, DeliveryKey key, boolean inDoubt,
            Instant notAfter) throws SlackDeliveryException {
        boolean doubt = inDoubt;
        Message.Metadata metadata = new Message.Metadata(DeliveryKey.EVENT_TYPE,
                Map.of(DeliveryKey.PAYLOAD_FIELD, key.value()));
        for (int attempt = 1; ; attempt++) {
            if (doubt) {
                Optional<String> found = find(channel, threadTs, key);
                if (found.isPresent()) {
                    LOG.info("chat.postMessage: {} was already posted ({}); not posting again", key.value(),
                            found.get());
                    return found.get();
                }
                doubt = false;
            }
            requireTimeFor(Duration.ZERO, notAfter, doubt);
            Duration wait;
            String why;
            try {
                // A text-only message (a notice) goes without blocks rather than with an empty list.
                List<com.slack.api.model.block.LayoutBlock> blocks = message.blocks().isEmpty() ? null : message.blocks();
                ChatPostMessageResponse r = methods.chatPostMessage(req -> req.channel(channel).threadTs(threadTs)
                        .text(message.text()).blocks(blocks).metadata(metadata).unfurlLinks(false).unfurlMedia(false));
                if (r.isOk()) {
                    return r.getTs();
                }
                SlackDeliveryException.Kind kind = SlackErrors.kindOf(r.getError());
                doubt = SlackErrors.mayHaveActed(r.getError());
                if (kind != SlackDeliveryException.Kind.TRANSIENT) {
                    throw new SlackDeliveryException("chat.postMessage", r.getError(), kind, doubt, null);
                }
                why = r.getError();
                wait = retryAfter(r.getHttpResponseHeaders()).orElse(policy.backoff(attempt));
            } catch (SlackApiException e) {
                int status = e.getResponse().code();
                if (status != 429 && status < 500) {
                    throw httpRefusal("chat.postMessage", e);
                }
                doubt = status >= 500;
                why = "HTTP " + status;
                wait = status == 429 ? retryAfter(e.getResponse().header("Retry-After")).orElse(policy.backoff(attempt))
                        : policy.backoff(attempt);
            } catch (IOException e) {
                doubt = mayHaveLeft(e);
                why = e.toString();
                wait = policy.backoff(attempt);
            }
            if (attempt >= policy.maxAttempts()) {
                throw new SlackDeliveryException("chat.postMessage", "gave up after " + attempt + " attempts, last: "
                        + why, SlackDeliveryException.Kind.TRANSIENT, doubt, null);
            }
            requireTimeFor(wait, notAfter, doubt);
            LOG.warn("chat.postMessage attempt {} failed ({}); retrying in {} ms{}", attempt, why, wait.toMillis(),
                    doubt ? " after looking for it in the channel" : "");
            pause("chat.postMessage", wait, doubt);
        }
    }

    /** The ts of the message carrying {@code key} in the thread (or, top-level, the channel), if Slack has it. */
    Optional<String> find(String channel, String threadTs, DeliveryKey key) throws SlackDeliveryException {
        String oldest = slackTs(key.queuedAt().minus(LOOKUP_MARGIN));
        String cursor = null;
        for (int page = 0; page < MAX_LOOKUP_PAGES; page++) {
            String from = cursor;
            List<Message> messages;
            ResponseMetadata next;
            try {
                if (threadTs != null) {
                    var r = call("conversations.replies", () -> methods.conversationsReplies(req -> req
                            .channel(channel).ts(threadTs).oldest(oldest).inclusive(true).includeAllMetadata(true)
                            .limit(200).cursor(from)));
                    messages = r.getMessages();
                    next = r.getResponseMetadata();
                } else {
                    var r = call("conversations.history", () -> methods.conversationsHistory(req -> req
                            .channel(channel).oldest(oldest).inclusive(true).includeAllMetadata(true).limit(200)
                            .cursor(from)));
                    messages = r.getMessages();
                    next = r.getResponseMetadata();
                }
            } catch (SlackDeliveryException e) {
                if (CANNOT_READ.contains(e.error())) {
                    // Without a history scope the bot cannot look: it posts again rather than never.
                    LOG.warn("{}: cannot look for an earlier post ({}); grant channels:history and groups:history"
                            + " so a post whose outcome is unknown is never repeated", e.getMessage(), e.error());
                    return Optional.empty();
                }
                // Could not look: the post stays in doubt and is tried again later, never blindly repeated.
                throw new SlackDeliveryException("lookup", e.error(), e.kind(), true, e);
            }
            for (Message m : messages == null ? List.<Message>of() : messages) {
                if (carries(m, key)) {
                    return Optional.of(m.getTs());
                }
            }
            cursor = next == null ? null : next.getNextCursor();
            if (cursor == null || cursor.isBlank()) {
                return Optional.empty();
            }
        }
        // So many messages since this one was queued (a long outage in a busy channel) that searching on
        // would hold the incident back for good: post again rather than never.
        LOG.warn("lookup: {} not found in {} pages of {}; posting it again", key.value(), MAX_LOOKUP_PAGES,
                channel);
        return Optional.empty();
    }

    /** Whether the token works: auth.test, once (no retries: the caller probes again later). */
    public boolean tokenWorks() throws SlackDeliveryException {
        try {
            var r = methods.authTest(req -> req);
            if (r.isOk()) {
                return true;
            }
            if (SlackErrors.kindOf(r.getError()) == SlackDeliveryException.Kind.TOKEN) {
                return false;
            }
            throw new SlackDeliveryException("auth.test", r.getError(), null);
        } catch (SlackApiException e) {
            if (e.getError() != null && SlackErrors.TOKEN.contains(e.getError().getError())) {
                return false;
            }
            throw new SlackDeliveryException("auth.test", "HTTP " + e.getResponse().code(),
                    SlackDeliveryException.Kind.TRANSIENT, false, e);
        } catch (IOException e) {
            throw new SlackDeliveryException("auth.test", e.toString(), SlackDeliveryException.Kind.TRANSIENT, false, e);
        }
    }

    private static boolean carries(Message m, DeliveryKey key) {
        Message.Metadata metadata = m.getMetadata();
        return metadata != null && DeliveryKey.EVENT_TYPE.equals(metadata.getEventType())
                && metadata.getEventPayload() != null
                && key.value().equals(String.valueOf(metadata.getEventPayload().get(DeliveryKey.PAYLOAD_FIELD)));
    }

    /** Slack's ts form (seconds.micros) of an instant, for oldest/latest bounds. */
    static String slackTs(Instant at) {
        return String.format(java.util.Locale.ROOT, "%d.%06d", at.getEpochSecond(), at.getNano() / 1000);
    }

    /** Only failures before the request could leave are sure not to have posted anything. */
    private static boolean mayHaveLeft(IOException e) {
        return !(e instanceof java.net.ConnectException || e instanceof java.net.UnknownHostException
                || e instanceof java.net.NoRouteToHostException);
    }

    /**
     * Refuses to start a post (after {@code wait}) that could outlive the claim: a lookup and a post, each
     * up to the request timeout. Transient: the message goes back to the queue, in doubt if it was.
     */
    private void requireTimeFor(Duration wait, Instant notAfter, boolean doubt) throws SlackDeliveryException {
        if (notAfter == null) {
            return;
        }
        Instant end = clock.instant().plus(wait).plus(policy.requestTimeout().multipliedBy(doubt ? 2 : 1));
        if (end.isAfter(notAfter)) {
            throw new SlackDeliveryException("chat.postMessage", "claim ends before another attempt could finish",
                    SlackDeliveryException.Kind.TRANSIENT, doubt, null);
        }
    }

    private void pause(String method, Duration wait, boolean doubt) throws SlackDeliveryException {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlackDeliveryException(method, "interrupted while retrying", SlackDeliveryException.Kind.TRANSIENT,
                    doubt, e);
        }
    }

    private static SlackDeliveryException httpRefusal(String method, SlackApiException e) {
        String code = e.getError() == null ? null : e.getError().getError();
        SlackDeliveryException.Kind kind = code != null && SlackErrors.TOKEN.contains(code)
                ? SlackDeliveryException.Kind.TOKEN : SlackDeliveryException.Kind.PERMANENT;
        return new SlackDeliveryException(method, "HTTP " + e.getResponse().code() + (code == null ? "" : " " + code),
                kind, false, e);
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
                    throw httpRefusal("files.uploadV2", api);
                }
                if (attempt >= policy.maxAttempts()) {
                    throw new SlackDeliveryException("files.uploadV2", "gave up after " + attempt + " attempts: " + e,
                            SlackDeliveryException.Kind.TRANSIENT, true, e);
                }
                try {
                    sleeper.sleep(policy.backoff(attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SlackDeliveryException("files.uploadV2", "interrupted while retrying",
                            SlackDeliveryException.Kind.TRANSIENT, true, ie);
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
                if (SlackErrors.kindOf(response.getError()) != SlackDeliveryException.Kind.TRANSIENT) {
                    throw new SlackDeliveryException(method, response.getError(), null);
                }
                why = response.getError();
                wait = retryAfter(response.getHttpResponseHeaders()).orElse(policy.backoff(attempt));
            } catch (SlackApiException e) {
                int status = e.getResponse().code();
                if (status != 429 && status < 500) {
                    throw httpRefusal(method, e);
                }
                why = "HTTP " + status;
                wait = status == 429 ? retryAfter(e.getResponse().header("Retry-After")).orElse(policy.backoff(attempt))
                        : policy.backoff(attempt);
            } catch (IOException e) {
                why = e.toString();
                wait = policy.backoff(attempt);
            }
            if (attempt >= policy.maxAttempts()) {
                throw new SlackDeliveryException(method, "gave up after " + attempt + " attempts, last: " + why,
                        SlackDeliveryException.Kind.TRANSIENT, true, null);
            }
            LOG.warn("{} attempt {} failed ({}); retrying in {} ms", method, attempt, why, wait.toMillis());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SlackDeliveryException(method, "interrupted while retrying", SlackDeliveryException.Kind.TRANSIENT,
                        true, e);
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
