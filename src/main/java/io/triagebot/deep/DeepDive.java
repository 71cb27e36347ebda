package io.triagebot.deep;

import io.triagebot.probe.CollectorScript;
import io.triagebot.probe.HostName;
import io.triagebot.probe.RunLimits;
import io.triagebot.probe.RunOutput;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.TargetConnector;
import io.triagebot.probe.TargetException;
import io.triagebot.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The deep dive use case, for every adapter (the command line now, Slack buttons later): host, kind and
 * seconds in; text to post and files to upload out. Never throws for a host, a tool or a refusal: every
 * outcome is a {@link DeepDiveResult} with a message a person can act on.
 *
 * <p>A run claims the host first ({@link DeepProbeLocks}: one deep probe per host at a time, then a
 * cooldown), reaches it exactly as triage does (the {@link TargetConnector}: SSH, or this machine for
 * {@code local}), runs the generated script ({@link DeepScript}) bounded by the entry's duration plus its
 * grace, a watchdog and the runner's deadline, with the output capped, and folds and renders what came
 * back ({@link DeepReport}).
 */
public final class DeepDive {

    /**
     * @param cooldown after a run that reached the tool, how long the host rests before the next deep probe
     * @param maxOutputBytes the cap on what the tool may stream back
     * @param connectAllowance added to the script's own bound for connecting and starting
     */
    public record Settings(Duration cooldown, int maxOutputBytes, Duration connectAllowance) {

        public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(60);
        public static final int DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

        public static Settings defaults() {
            return new Settings(DEFAULT_COOLDOWN, DEFAULT_MAX_OUTPUT_BYTES, Duration.ofSeconds(10));
        }

        public Settings {
            if (cooldown.isNegative() || maxOutputBytes <= 0 || connectAllowance.isNegative()) {
                throw new IllegalArgumentException("cooldown, output cap and connect allowance must be positive");
            }
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final DeepCatalog catalog;
    private final TargetConnector runners;
    private final DeepProbeLocks locks;
    private final Clock clock;
    private final Settings settings;

    public DeepDive(DeepCatalog catalog, TargetConnector runners, DeepProbeLocks locks, Clock clock, Settings settings) {
        this.catalog = catalog;
        this.runners = runners;
        this.locks = locks;
        this.clock = clock;
        this.settings = settings;
    }

    public DeepCatalog catalog() {
        return catalog;
    }

    /**
     * Runs one deep probe.
     *
     * @param seconds null for the entry's default
     * @param requestedBy who asked (a Slack user id, or the local user name), recorded with the claim
     */
    public DeepDiveResult run(String host, String kind, Integer seconds, String requestedBy) {
        long start = System.nanoTime();
        String hostProblem = HostName.problemWith(host);
        if (hostProblem != null) {
            return refusal(DeepDiveResult.Outcome.INVALID, "?", kind, 0, hostProblem, start);
        }
        DeepProbe probe = catalog.find(kind).orElse(null);
        if (probe == null) {
            return refusal(DeepDiveResult.Outcome.INVALID, host, kind, 0, "unknown deep probe '" + printable(kind)
                    + "': use one of " + String.join(", ", catalog.ids()), start);
        }
        int secs;
        try {
            secs = probe.checkSeconds(seconds);
        } catch (IllegalArgumentException e) {
            return refusal(DeepDiveResult.Outcome.INVALID, host, kind, 0, e.getMessage(), start);
        }
        Duration deadline = Duration.ofSeconds(DeepScript.selfDestructSeconds(probe, secs))
                .plus(settings.connectAllowance());
        Instant now = clock.instant();
        DeepProbeLocks.Claim claim;
        try {
            claim = locks.acquire(host, kind, requestedBy, now, now.plus(deadline).plusSeconds(30));
        } catch (StoreException e) {
            return refusal(DeepDiveResult.Outcome.FAILED, host, kind, secs, "cannot claim " + host + " for a deep"
                    + " probe: " + e.getMessage(), start);
        }
        if (claim instanceof DeepProbeLocks.Busy busy) {
            return refusal(DeepDiveResult.Outcome.BUSY, host, kind, secs, host + " is busy: a " + busy.kind()
                    + " deep probe requested by " + busy.requestedBy() + " runs until " + TIME.format(busy.until())
                    + " at the latest; one deep probe per host at a time.", start);
        }
        if (claim instanceof DeepProbeLocks.CoolingDown cool) {
            long wait = Math.max(1, Duration.between(now, cool.until()).toSeconds());
            return refusal(DeepDiveResult.Outcome.COOLING_DOWN, host, kind, secs, host + " is cooling down after its"
                    + " last deep probe: try again in " + wait + " s (at " + TIME.format(cool.until()) + ").", start);
        }
        DeepProbeLocks.Granted granted = (DeepProbeLocks.Granted) claim;
        boolean toolStarted = false;
        try {
            Run run = execute(probe, host, secs, deadline);
            toolStarted = run.output() != null && run.output().started();
            return run.result(start);
        } finally {
            try {
                locks.release(granted, toolStarted ? clock.instant().plus(settings.cooldown()) : clock.instant());
            } catch (StoreException e) {
                // The lease lapses by itself; the result stands.
            }
        }
    }

    /** One run: what came back, or why the host could not be reached ({@code failure}). */
    private record Run(DeepProbe probe, String host, int seconds, Instant startedAt, RunOutput raw, DeepOutput output,
            String failure) {

        DeepDiveResult result(long start) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (failure != null) {
                return new DeepDiveResult(DeepDiveResult.Outcome.UNREACHABLE, host, probe.id(), seconds, failure, List.of(),
                        List.of(), elapsed);
            }
            if (!output.missing().isEmpty()) {
                return new DeepDiveResult(DeepDiveResult.Outcome.UNAVAILABLE, host, probe.id(), seconds,
                        unavailableText(), List.of(), output.missing(), elapsed);
            }
            if (!output.started()) {
                return failed(raw.deadlineReached() ? host + " did not start " + probe.tool().binary() + " before the"
                        + " deadline: is it overloaded?" : "the deep probe script stopped before starting "
                        + probe.tool().binary() + toolError(), elapsed);
            }
            DeepReport report = DeepReport.of(probe, host, seconds, output.toolOutput(), startedAt);
            List<String> notes = notes();
            boolean cut = raw.outputCapped() || raw.deadlineReached() || output.watchdogFired();
            if (report.sawNothing() && (output.toolExit() == null || output.toolExit() != 0)) {
                return failed(probe.tool().binary() + " failed on " + host + toolError(), elapsed);
            }
            String text = report.text() + (notes.isEmpty() ? "" : String.join("\n", notes) + "\n");
            return new DeepDiveResult(cut ? DeepDiveResult.Outcome.PARTIAL : DeepDiveResult.Outcome.COMPLETED, host,
                    probe.id(), seconds, text, report.files(), List.of(), elapsed);
        }

        private DeepDiveResult failed(String message, Duration elapsed) {
            return new DeepDiveResult(DeepDiveResult.Outcome.FAILED, host, probe.id(), seconds, message, List.of(),
                    List.of(), elapsed);
        }

        private String unavailableText() {
            StringBuilder s = new StringBuilder(probe.title()).append(" is unavailable on ").append(host).append(":\n");
            for (DeepOutput.Missing m : output.missing()) {
                s.append("- ").append(describe(m)).append(": ").append(probe.explain(m.requirement())).append('\n');
            }
            return s.toString();
        }

        private String describe(DeepOutput.Missing m) {
            return switch (m.requirement()) {
                case BINARY -> m.detail() + " not found on the PATH";
                case ROOT -> "not root (" + m.detail() + ")";
                case PARANOID -> "kernel.perf_event_paranoid is " + m.detail() + " (a non-root user needs "
                        + probe.requirements().maxParanoid() + " or less)";
                case BTF -> "no kernel BTF (" + m.detail() + " missing)";
                case TRACEFS -> "tracefs " + m.detail();
                case TRACEPOINT -> "tracepoint " + m.detail() + " missing";
                case TMPDIR -> "cannot create a private directory in " + m.detail();
            };
        }

        private List<String> notes() {
            List<String> notes = new ArrayList<>();
            if (raw.outputCapped()) {
                notes.add("Output passed the cap (" + raw.stdout().length / 1024 + " KiB): the run was stopped and these"
                        + " results cover its first part only.");
            }
            if (raw.deadlineReached() || output.watchdogFired()) {
                notes.add("The run hit its deadline and was stopped: results are partial.");
            }
            for (DeepOutput.Warning w : output.warnings()) {
                if (w.code().equals("kptr_restrict")) {
                    notes.add("kernel.kptr_restrict is " + w.detail() + ": kernel frames of a non-root profile have no"
                            + " symbols.");
                }
            }
            if (output.toolExit() != null && output.toolExit() != 0) {
                notes.add(probe.tool().binary() + " exited with status " + output.toolExit() + toolError());
            }
            return notes;
        }

        private String toolError() {
            String err = raw.stderr() == null ? "" : raw.stderr().strip();
            if (err.isEmpty()) {
                return "";
            }
            String[] lines = err.split("\n");
            String last = lines[lines.length - 1];
            for (String line : lines) {
                if (line.contains("ERROR") || line.contains("rror:")) {
                    last = line;
                    break;
                }
            }
            return ": " + printable(last.length() > 300 ? last.substring(0, 300) + "..." : last);
        }
    }

    private Run execute(DeepProbe probe, String host, int seconds, Duration deadline) {
        Instant startedAt = clock.instant();
        ScriptRunner runner;
        try {
            runner = runners.runnerFor(new HostName(host));
        } catch (TargetException e) {
            return new Run(probe, host, seconds, startedAt, null, null, e.getMessage());
        }
        String nonce = CollectorScript.newNonce();
        try {
            RunOutput raw = runner.run(DeepScript.generate(probe, seconds, nonce),
                    new RunLimits(deadline, settings.maxOutputBytes()));
            return new Run(probe, host, seconds, startedAt, raw, DeepOutput.parse(raw.stdout(), nonce), null);
        } catch (TargetException e) {
            return new Run(probe, host, seconds, startedAt, null, null, e.getMessage());
        }
    }

    private static DeepDiveResult refusal(DeepDiveResult.Outcome outcome, String host, String kind, int seconds,
            String message, long start) {
        return new DeepDiveResult(outcome, host, printable(kind), seconds, message, List.of(), List.of(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 64 ? p.substring(0, 64) + "..." : p;
    }
}
