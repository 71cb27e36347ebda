package io.triagebot.ops;

import java.security.SecureRandom;
import org.slf4j.Logger;

/**
 * A short reference that ties what a user is shown ("the bot cannot reach its database (ref k3v9q2xa)")
 * to the log line that has the details (the SQL error, the stack trace), so neither leaks to the other.
 */
public final class ErrorRef {

    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();
    private static final int LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ErrorRef() {
    }

    /**
     * Logs {@code what} went wrong, with {@code cause} in full (message, SQL, stack trace), under a fresh
     * reference, and returns the reference for the short answer the user gets.
     */
    public static String logged(Logger log, String what, Throwable cause) {
        String ref = next();
        log.error("[ref {}] {}", ref, what, cause);
        return ref;
    }

    /** A fresh reference: 8 characters, no look-alikes (0/o, 1/l/i), unlikely to repeat across replicas. */
    public static String next() {
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }
}
