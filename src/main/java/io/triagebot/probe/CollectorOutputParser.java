package io.triagebot.probe;

/** Parses a whole collector stream held in memory (a replayed fixture) with {@link CollectorStreamParser}. */
public final class CollectorOutputParser {

    /** Bytes handed to the stream parser at a time, as a network read would. */
    private static final int CHUNK = 64 * 1024;

    private CollectorOutputParser() {
    }

    public static CollectorOutput parse(byte[] stdout, String nonce) {
        return parse(stdout, nonce, ParseLimits.generic(RunLimits.DEFAULT_MAX_OUTPUT_BYTES));
    }

    public static CollectorOutput parse(byte[] stdout, String nonce, ParseLimits limits) {
        CollectorStreamParser parser = new CollectorStreamParser(nonce, limits);
        for (int i = 0; i < stdout.length; i += CHUNK) {
            parser.feed(stdout, i, Math.min(CHUNK, stdout.length - i));
        }
        return parser.finish();
    }
}
