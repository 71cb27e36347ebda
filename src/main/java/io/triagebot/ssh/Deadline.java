package io.triagebot.ssh;

import java.time.Duration;

/** A point on the monotonic clock; immune to wall-clock jumps. */
record Deadline(long atNanos) {

    /** Longer than any triage; keeps nanoTime arithmetic far from overflow. */
    private static final Duration MAX = Duration.ofDays(1);

    static Deadline after(Duration duration) {
        Duration bounded = duration.compareTo(MAX) > 0 ? MAX : duration;
        return new Deadline(System.nanoTime() + bounded.toNanos());
    }

    long remainingNanos() {
        return atNanos - System.nanoTime();
    }

    long remainingMillis() {
        long nanos = remainingNanos();
        return nanos <= 0 ? 0 : Math.max(1, nanos / 1_000_000);
    }

    boolean passed() {
        return remainingNanos() <= 0;
    }

    /** {@code limit} shortened to what is left, at least 1 ms (JSch reads 0 as "wait forever"). */
    int boundedMillis(Duration limit) {
        long millis = Math.min(limit.toMillis(), remainingMillis());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }
}
