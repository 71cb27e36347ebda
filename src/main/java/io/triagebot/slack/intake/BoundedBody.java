package io.triagebot.slack.intake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body into memory only up to a limit: one byte more and the read stops. */
public final class BoundedBody {

    /** The largest body accepted: Slack's own payloads are a few KiB. */
    public static final int MAX_BYTES = 1024 * 1024;

    private BoundedBody() {
    }

    /** The body was larger than allowed; nothing after the limit was read. */
    public static final class TooLarge extends Exception {
        public TooLarge(long limit) {
            super("request body over " + limit + " bytes");
        }
    }

    /** Reads all of {@code in}, or throws as soon as more than {@code limit} bytes have arrived. */
    public static byte[] read(InputStream in, int limit) throws IOException, TooLarge {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 8192));
        byte[] buffer = new byte[8192];
        long total = 0;
        while (true) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit + 1L - total));
            if (n < 0) {
                return out.toByteArray();
            }
            total += n;
            if (total > limit) {
                throw new TooLarge(limit);
            }
            out.write(buffer, 0, n);
        }
    }
}
