package io.triagebot.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the catalog on one target through a {@link ScriptRunner} and returns what it read. */
public final class Collector {

    /** Time the script keeps for itself to finish printing after its own watchdog would fire. */
    private static final Duration WATCHDOG_MARGIN = Duration.ofMillis(500);

    private final ProbeCatalog catalog;
    private final CollectorScript script;

    public Collector(ProbeCatalog catalog) {
        this.catalog = catalog;
        this.script = new CollectorScript(catalog);
    }

    public ProbeCatalog catalog() {
        return catalog;
    }

    /**
     * Collects one snapshot. Partial results (deadline, cap, failed probes) are a snapshot with notes and
     * unavailable probes, never an exception.
     *
     * @throws TargetException only when the target could not be reached at all
     */
    public RawSnapshot collect(String target, ScriptRunner runner, CollectorSettings settings) throws TargetException {
        return assemble(target, run(runner, settings), settings);
    }

    /** Runs the script and returns its raw stream; {@link #assemble} turns it into a snapshot. */
    public CollectorRun run(ScriptRunner runner, CollectorSettings settings) throws TargetException {
        Instant started = Instant.now();
        long startNanos = System.nanoTime();
        String nonce = CollectorScript.newNonce();
        Duration selfDestruct = settings.deadline().minus(WATCHDOG_MARGIN);
        String text = script.generate(nonce, settings.window(), selfDestruct);
        CollectorStreamParser parser = new CollectorStreamParser(nonce, limits(settings));
        RawCopy raw = settings.keepRaw() ? new RawCopy(settings.maxOutputBytes()) : null;
        RunOutput output = runner.stream(text, new RunLimits(settings.deadline(), settings.maxReadBytes()),
                new StdoutSink() {
                    @Override
                    public void write(byte[] b, int off, int len) {
                        parser.feed(b, off, len);
                        if (raw != null) {
                            raw.write(b, off, len);
                        }
                    }

                    @Override
                    public boolean complete() {
                        return parser.sawEnd();
                    }
                });
        CollectorOutput parsed = parser.finish();
        if (raw != null) {
            output = new RunOutput(raw.bytes(), output.exitCode(), output.deadlineReached(), output.outputCapped(),
                    output.stderr());
        }
        return new CollectorRun(nonce, output, started, Duration.ofNanos(System.nanoTime() - startNanos), parsed);
    }

    private ParseLimits limits(CollectorSettings settings) {
        return ParseLimits.of(catalog, settings.maxOutputBytes());
    }

    /** The first bytes of the raw stream, for a fixture; bounded like everything else. */
    private static final class RawCopy {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final int cap;

        RawCopy(int cap) {
            this.cap = cap;
        }

        void write(byte[] b, int off, int len) {
            bytes.write(b, off, Math.max(0, Math.min(len, cap - bytes.size())));
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    /** Parses a raw stream, live or replayed from a fixture, against this collector's catalog. */
    public RawSnapshot assemble(String target, CollectorRun run, CollectorSettings settings) {
        CollectorOutput output = run.parsed() != null ? run.parsed()
                : CollectorOutputParser.parse(run.output().stdout(), run.nonce(), limits(settings));
        Map<String, ProbeReading> readings = new ProbeReadingAssembler(catalog).assemble(output);
        double uptime1 = uptime(output.sample(1));
        double uptime2 = uptime(output.sample(2));
        double window = uptime2 > uptime1 ? uptime2 - uptime1 : Double.NaN;
        return new RawSnapshot(target, run.started(), uptime1, window, readings, notes(run.output(), output, settings),
                run.elapsed());
    }

    private static List<String> notes(RunOutput run, CollectorOutput output, CollectorSettings settings) {
        List<String> notes = new ArrayList<>();
        if (run.deadlineReached() || output.stoppedAtDeadline()) {
            notes.add("the collector did not finish within the " + settings.deadline().toMillis() / 1000.0
                    + " s deadline; results are partial");
        }
        if (run.outputCapped()) {
            notes.add("output passed the " + Cuts.size(settings.maxReadBytes())
                    + " read cap; the collector stopped reading there and results are partial");
        }
        notes.addAll(output.cuts());
        // A read found stuck in this run is skipped by the run's own retry: say it once, as found.
        java.util.Set<Long> found = new java.util.HashSet<>();
        output.stuck().stream().filter(s -> !s.skipped()).forEach(s -> found.add(s.pid()));
        output.stuck().stream().filter(s -> !s.skipped() || !found.contains(s.pid())).map(Collector::describe).distinct()
                .forEach(notes::add);
        if (!output.finished() && !run.deadlineReached() && !output.stoppedAtDeadline() && !run.outputCapped()) {
            String err = run.stderr() == null ? "" : run.stderr().strip();
            notes.add("the collector stopped early (exit " + run.exitCode() + ")"
                    + (err.isEmpty() ? "" : ": " + lastLine(err)));
        }
        if (output.samples().isEmpty() && !run.deadlineReached()) {
            notes.add("no probe output at all: is /bin/sh a POSIX shell on the target?");
        }
        return notes;
    }

    /** A stuck read in words: what hung, what was done about it, what it costs. */
    static String describe(CollectorOutput.Stuck s) {
        if (s.skipped()) {
            return s.probe() + ": not read: its read from an earlier triage (pid " + s.pid() + ") is still stuck on the"
                    + " host; it is not started again there until that process is gone";
        }
        String state = "D".equals(s.state()) ? ", in uninterruptible sleep (D)" : "";
        return s.probe() + ": a read " + (s.path().isEmpty() ? "" : "of " + s.path() + " ") + "was stuck on the host (pid "
                + s.pid() + state + "); it was killed and left to end there, and the other probes were read without it";
    }

    private static double uptime(CollectorOutput.Sample sample) {
        if (sample == null) {
            return Double.NaN;
        }
        CollectorOutput.FileRead read = sample.files().get("/proc/uptime");
        if (read == null || read.lines().isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(read.lines().get(0).trim().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.split("\n");
        String last = lines[lines.length - 1];
        return last.length() > 300 ? last.substring(0, 300) : last;
    }
}
