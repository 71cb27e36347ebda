package io.triagebot.slack.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.triagebot.testsupport.SignedSlackRequests;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Slack's v0 signature, checked over the raw bytes, with a five-minute window on both sides of now. */
class SlackSignatureTest {

    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    static final byte[] BODY = "token=x&command=%2Ftriage&text=db-3".getBytes(StandardCharsets.UTF_8);

    final SlackSignature signature = new SlackSignature(SECRET);
    final SignedSlackRequests signer = new SignedSlackRequests(URI.create("http://unused/"), SECRET);

    @Test
    void aRightSignatureWithinTheWindowIsValidOnBothSides() throws Exception {
        for (long offset : new long[] {0, 299, 300, -299, -300}) {
            long ts = NOW.getEpochSecond() + offset;
            assertEquals(SlackSignature.Verdict.VALID, verify(ts, signer.sign(ts, new String(BODY, StandardCharsets.UTF_8))),
                    "offset " + offset);
        }
    }

    @Test
    void timestampsOutsideTheWindowAreRefusedEvenWhenSigned() throws Exception {
        long future = NOW.getEpochSecond() + 301;
        long past = NOW.getEpochSecond() - 301;
        assertEquals(SlackSignature.Verdict.FUTURE, verify(future, signer.sign(future, new String(BODY, StandardCharsets.UTF_8))));
        assertEquals(SlackSignature.Verdict.STALE, verify(past, signer.sign(past, new String(BODY, StandardCharsets.UTF_8))));
        long hour = NOW.getEpochSecond() + 3600;
        assertEquals(SlackSignature.Verdict.FUTURE, verify(hour, signer.sign(hour, new String(BODY, StandardCharsets.UTF_8))));
    }

    @Test
    void anythingElseIsRefused() throws Exception {
        long ts = NOW.getEpochSecond();
        String right = signer.sign(ts, new String(BODY, StandardCharsets.UTF_8));
        assertEquals(SlackSignature.Verdict.BAD_SIGNATURE, verify(ts, right.substring(0, 66) + (right.charAt(66) == '0' ? '1' : '0')),
                "one hex digit off");
        assertEquals(SlackSignature.Verdict.BAD_SIGNATURE, verify(ts, right.toUpperCase()));
        assertEquals(SlackSignature.Verdict.BAD_SIGNATURE, verify(ts, right + "00"));
        assertEquals(SlackSignature.Verdict.BAD_SIGNATURE, signature.verify(Long.toString(ts), right,
                "token=x&command=%2Ftriage&text=db-4".getBytes(StandardCharsets.UTF_8), NOW), "another body");
        assertEquals(SlackSignature.Verdict.BAD_SIGNATURE, new SlackSignature("another-secret").verify(Long.toString(ts),
                right, BODY, NOW));
        assertEquals(SlackSignature.Verdict.MISSING_HEADERS, signature.verify(null, right, BODY, NOW));
        assertEquals(SlackSignature.Verdict.MISSING_HEADERS, signature.verify(Long.toString(ts), null, BODY, NOW));
        for (String bad : new String[] {"", "-5", "1e9", " 1764763200", "99999999999999999999"}) {
            assertEquals(SlackSignature.Verdict.BAD_TIMESTAMP, signature.verify(bad, right, BODY, NOW), bad);
        }
    }

    @Test
    void aBodyIsReadUpToItsLimitAndNoFurther() throws Exception {
        assertEquals(1024, BoundedBody.read(new ByteArrayInputStream(new byte[1024]), 1024).length);
        assertEquals(0, BoundedBody.read(new ByteArrayInputStream(new byte[0]), 1024).length);
        CountingStream over = new CountingStream(10_000_000);
        assertThrows(BoundedBody.TooLarge.class, () -> BoundedBody.read(over, 1024));
        assertEquals(1025, over.served, "one byte past the limit is read, not the rest");
    }

    private SlackSignature.Verdict verify(long ts, String sig) {
        return signature.verify(Long.toString(ts), sig, BODY, NOW);
    }

    /** An endless body that counts what was taken from it. */
    private static final class CountingStream extends java.io.InputStream {
        final long size;
        long served;

        CountingStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return served < size ? (int) (++served & 0x7f) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = (int) Math.min(len, size - served);
            served += n;
            return n == 0 ? -1 : n;
        }
    }
}
