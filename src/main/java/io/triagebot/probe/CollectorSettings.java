package io.triagebot.probe;

import java.time.Duration;

/**
 * How one triage samples a host.
 *
 * @param window time between the two samples of every counter (default 1 s)
 * @param deadline the whole run, connection included; partial results after it (default 10 s)
 * @param maxOutputBytes what one run may keep of the host's output (lines, at their heap cost); the host
 *     may send {@value #READ_FACTOR} times as much before the run is stopped
 * @param keepRaw also keep the raw stream (up to {@code maxOutputBytes}) for saving as a fixture
 */
public record CollectorSettings(Duration window, Duration deadline, int maxOutputBytes, boolean keepRaw) {

    /** How much more than it keeps a run reads before it stops: enough for a flooding probe to be cut while the rest still arrives. */
    public static final int READ_FACTOR = 4;

    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(1);
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    public static final Duration MAX_WINDOW = Duration.ofSeconds(60);

    public static CollectorSettings defaults() {
        return new CollectorSettings(DEFAULT_WINDOW, DEFAULT_DEADLINE, RunLimits.DEFAULT_MAX_OUTPUT_BYTES);
    }

    public CollectorSettings(Duration window, Duration deadline, int maxOutputBytes) {
        this(window, deadline, maxOutputBytes, false);
    }

    public CollectorSettings {
        if (window.toMillis() < 100 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("window must be between 0.1 and 60 seconds, got " + seconds(window));
        }
        if (deadline.compareTo(window.plusSeconds(1)) < 0) {
            throw new IllegalArgumentException("deadline (" + seconds(deadline) + ") must exceed the window ("
                    + seconds(window) + ") by at least 1 s");
        }
    }

    public CollectorSettings withWindow(Duration newWindow) {
        Duration newDeadline = deadline.compareTo(newWindow.plusSeconds(1)) < 0 ? newWindow.plus(DEFAULT_DEADLINE) : deadline;
        return new CollectorSettings(newWindow, newDeadline, maxOutputBytes, keepRaw);
    }

    public CollectorSettings withRawKept() {
        return new CollectorSettings(window, deadline, maxOutputBytes, true);
    }

    /** The most a run reads from the host before it stops. */
    public int maxReadBytes() {
        return (int) Math.min(Integer.MAX_VALUE - 8, (long) maxOutputBytes * READ_FACTOR);
    }

    private static String seconds(Duration d) {
        return d.toMillis() / 1000.0 + " s";
    }
}
