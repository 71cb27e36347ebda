package io.triagebot.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Whether the bot can do its work: named checks ({@value #DATABASE}, {@value #SCHEDULER}, {@value #SLACK}),
 * each answered within a timeout so a hung database makes the probe say "not ready" instead of hanging it.
 *
 * <p>Checks run in parallel on threads of their own, and a check that has not returned is never started a
 * second time: the next probe waits for the same run. A hung check therefore holds one thread, however often
 * the orchestrator probes, and the threads are at most as many as the checks.
 */
public final class Readiness implements AutoCloseable {

    public static final String DATABASE = "database";
    public static final String SCHEDULER = "scheduler";
    public static final String SLACK = "slack";
    /** Slack accepts the bot token (delivery pauses while it does not). */
    public static final String SLACK_TOKEN = "slack_token";

    /** Well inside the usual probe timeouts (Kubernetes: 1 s default, often raised to 3-5 s). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** Part names end up in response bodies and log lines; keep them plain. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    /** Exception messages can be long (SQL state, stack-like text); the probe body stays small. */
    private static final int MAX_DETAIL = 200;

    /** One dependency's check: true when ready. Throwing counts as not ready, with the message as reason. */
    @FunctionalInterface
    public interface Check {
        boolean ready() throws Exception;
    }

    /** One part's state; {@code detail} is {@code ok} or why not. */
    public record Part(String name, boolean ready, String detail) {
    }

    /** The answer to one probe: every part, in the order they were added. */
    public record Status(List<Part> parts) {
        public Status {
            parts = List.copyOf(parts);
        }

        /** Ready when every part is; no parts at all is ready (nothing to wait for). */
        public boolean ready() {
            return parts.stream().allMatch(Part::ready);
        }

        public List<Part> failing() {
            return parts.stream().filter(p -> !p.ready()).toList();
        }

        /** {@code ready} or {@code not ready}, then one {@code name: detail} line per part. */
        public String toText() {
            StringBuilder text = new StringBuilder(ready() ? "ready\n" : "not ready\n");
            for (Part part : parts) {
                text.append(part.name()).append(": ").append(part.detail()).append('\n');
            }
            return text.toString();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, Check> checks = new LinkedHashMap<>();
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {
        }

        public Builder part(String name, Check check) {
            Objects.requireNonNull(check, "check");
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("readiness part name must match " + NAME + ": " + name);
            }
            if (checks.putIfAbsent(name, check) != null) {
                throw new IllegalArgumentException("readiness part added twice: " + name);
            }
            return this;
        }

        /** How long one probe waits for all checks together. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("readiness timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Readiness build() {
            return new Readiness(checks, timeout);
        }
    }

    /** A check and its run in progress, if any. */
    private static final class Probe {
        final String name;
        final Check check;
        Future<Boolean> running; // guarded by this
        long startedNanos; // guarded by this

        Probe(String name, Check check) {
            this.name = name;
            this.check = check;
        }
    }

    private final List<Probe> probes = new ArrayList<>();
    private final long timeoutNanos;
    private final ExecutorService executor;

    private Readiness(Map<String, Check> checks, Duration timeout) {
        checks.forEach((name, check) -> probes.add(new Probe(name, check)));
        this.timeoutNanos = timeout.toNanos();
        this.executor = Executors.newCachedThreadPool(daemonThreads());
    }

    /** Runs every check (or joins its run in progress) and waits at most the timeout for all of them. */
    public Status check() {
        long deadline = System.nanoTime() + timeoutNanos;
        List<Future<Boolean>> runs = new ArrayList<>(probes.size());
        for (Probe probe : probes) {
            runs.add(start(probe));
        }
        List<Part> parts = new ArrayList<>(probes.size());
        for (int i = 0; i < probes.size(); i++) {
            parts.add(await(probes.get(i), runs.get(i), deadline));
        }
        return new Status(parts);
    }

    /** Stops the check threads; a check stuck in I/O may ignore the interrupt, but its thread is a daemon. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    private Future<Boolean> start(Probe probe) {
        synchronized (probe) {
            if (probe.running == null || probe.running.isDone()) {
                probe.startedNanos = System.nanoTime();
                try {
                    probe.running = executor.submit(probe.check::ready);
                } catch (RejectedExecutionException e) {
                    return CompletableFuture.failedFuture(new IllegalStateException("readiness checks closed"));
                }
            }
            return probe.running;
        }
    }

    private Part await(Probe probe, Future<Boolean> run, long deadline) {
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            return run.get(left, TimeUnit.NANOSECONDS)
                    ? new Part(probe.name, true, "ok")
                    : new Part(probe.name, false, "not ready");
        } catch (TimeoutException e) {
            // Not cancelled: cancelling would let the next probe start a second copy beside the stuck one.
            return new Part(probe.name, false, "no answer for " + runningMillis(probe) + " ms");
        } catch (ExecutionException e) {
            return new Part(probe.name, false, describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Part(probe.name, false, "probe interrupted");
        } catch (CancellationException e) { // close() while a probe waited
            return new Part(probe.name, false, describe(e));
        }
    }

    private static long runningMillis(Probe probe) {
        synchronized (probe) {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - probe.startedNanos);
        }
    }

    /** One line, bounded: the body must stay a short list even when a driver writes a paragraph. */
    static String describe(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        text = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL - 3) + "...";
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "triagebot-readiness-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
