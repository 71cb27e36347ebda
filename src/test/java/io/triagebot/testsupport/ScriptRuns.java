package io.triagebot.testsupport;

import io.triagebot.probe.RunLimits;
import io.triagebot.probe.RunOutput;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.TargetException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Runs scripts through any {@link ScriptRunner} with little ceremony, and times them. */
public final class ScriptRuns {

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(20);
    public static final int DEFAULT_MAX_OUTPUT = 1024 * 1024;

    /** What a run returned and how long it took. */
    public record Timed(RunOutput output, Duration elapsed) {
        public String stdout() {
            return ScriptRuns.stdout(output);
        }
    }

    private ScriptRuns() {
    }

    /** Runs with a 20 s deadline and a 1 MiB output cap. */
    public static RunOutput run(ScriptRunner runner, String script) throws TargetException {
        return run(runner, script, DEFAULT_DEADLINE, DEFAULT_MAX_OUTPUT);
    }

    public static RunOutput run(ScriptRunner runner, String script, Duration deadline, int maxOutputBytes)
            throws TargetException {
        return runner.run(script, new RunLimits(deadline, maxOutputBytes));
    }

    public static Timed timed(ScriptRunner runner, String script, Duration deadline, int maxOutputBytes)
            throws TargetException {
        long start = System.nanoTime();
        RunOutput output = run(runner, script, deadline, maxOutputBytes);
        return new Timed(output, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Standard output decoded as UTF-8. */
    public static String stdout(RunOutput output) {
        return new String(output.stdout(), StandardCharsets.UTF_8);
    }

    /** Runs {@code action} and returns how long it took to throw, with the exception. */
    public static <E extends Exception> Failure<E> timedFailure(Class<E> type, ThrowingAction action) {
        long start = System.nanoTime();
        try {
            action.run();
        } catch (Exception e) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (type.isInstance(e)) {
                return new Failure<>(type.cast(e), elapsed);
            }
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + e, e);
        }
        throw new AssertionError("expected " + type.getSimpleName() + " but nothing was thrown");
    }

    /** An exception and the time until it was thrown. */
    public record Failure<E extends Exception>(E exception, Duration elapsed) {
    }

    @FunctionalInterface
    public interface ThrowingAction {
        void run() throws Exception;
    }
}
