package io.triagebot.slack.intake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's v0 request signature: HMAC SHA-256 with the signing secret over {@code v0:TIMESTAMP:BODY}, the
 * body as the raw bytes that arrived. The timestamp must lie within {@link #WINDOW} of now in either
 * direction: a stale one may be a capture replayed, a future one would stay replayable for as long as it
 * is ahead. The comparison takes the same time wherever the signatures differ.
 */
public final class SlackSignature {

    /** How far a request's timestamp may be from now, before or after. */
    public static final Duration WINDOW = Duration.ofMinutes(5);

    private static final int MAX_TIMESTAMP_DIGITS = 12;

    private final byte[] secret;

    public SlackSignature(String signingSecret) {
        this.secret = signingSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** Why a request was refused, or that it was not. */
    public enum Verdict {
        VALID,
        MISSING_HEADERS,
        BAD_TIMESTAMP,
        STALE,
        FUTURE,
        BAD_SIGNATURE
    }

    /**
     * @param timestampHeader X-Slack-Request-Timestamp, seconds since the epoch (null when absent)
     * @param signatureHeader X-Slack-Signature, {@code v0=} and 64 hex digits (null when absent)
     */
    public Verdict verify(String timestampHeader, String signatureHeader, byte[] body, Instant now) {
        if (timestampHeader == null || signatureHeader == null) {
            return Verdict.MISSING_HEADERS;
        }
        long timestamp = parseTimestamp(timestampHeader);
        if (timestamp < 0) {
            return Verdict.BAD_TIMESTAMP;
        }
        long skew = timestamp - now.getEpochSecond();
        if (skew < -WINDOW.toSeconds()) {
            return Verdict.STALE;
        }
        if (skew > WINDOW.toSeconds()) {
            return Verdict.FUTURE;
        }
        byte[] expected = ("v0=" + HexFormat.of().formatHex(mac(timestampHeader, body)))
                .getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHeader.getBytes(StandardCharsets.US_ASCII))
                ? Verdict.VALID : Verdict.BAD_SIGNATURE;
    }

    /** The instant a timestamp header names, for how long its request stays replayable; null if unreadable. */
    public static Instant timestampOf(String timestampHeader) {
        long t = timestampHeader == null ? -1 : parseTimestamp(timestampHeader);
        return t < 0 ? null : Instant.ofEpochSecond(t);
    }

    private byte[] mac(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            // Every Java runtime has HmacSHA256.
            throw new IllegalStateException(e);
        }
    }

    private static long parseTimestamp(String s) {
        if (s.isEmpty() || s.length() > MAX_TIMESTAMP_DIGITS) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
