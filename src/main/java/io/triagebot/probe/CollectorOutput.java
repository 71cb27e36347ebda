package io.triagebot.probe;

import java.util.List;
import java.util.Map;

/**
 * The collector's stream, split into samples, before it is matched to probes.
 *
 * @param samples in order; the second is missing when the run stopped early
 * @param finished the script printed its end marker
 * @param stoppedAtDeadline the script's own watchdog stopped it
 * @param linesCut lines longer than the bound, shortened
 * @param cuts what the parser's bounds left out, one sentence per probe, for the report
 * @param stuck reads the script found stuck on the host, or did not start because an earlier one still is
 * @param bytesRead the stream's length as read
 */
public record CollectorOutput(List<Sample> samples, boolean finished, boolean stoppedAtDeadline, int linesCut,
        List<String> cuts, List<Stuck> stuck, long bytesRead) {

    public CollectorOutput {
        samples = List.copyOf(samples);
        cuts = List.copyOf(cuts);
        stuck = List.copyOf(stuck);
    }

    /** One pass over the catalog: file reads from the batch and command attempts, in order. */
    public record Sample(int index, Map<String, FileRead> files, List<CommandAttempt> attempts, boolean batchFinished) {
    }

    /**
     * One kernel pseudo-file as {@code head} printed it.
     *
     * @param error the reason head gave for not reading it, or null
     * @param interrupted the stream ended while this file was being read
     */
    public record FileRead(String path, List<String> lines, String error, boolean interrupted) {
    }

    /**
     * One attempt to run a probe's command.
     *
     * @param exitCode null when the attempt had not finished when the stream ended
     */
    public record CommandAttempt(String probe, List<String> lines, Integer exitCode) {
    }

    /**
     * A read that did not return in time on the host.
     *
     * @param sample the sample it belongs to
     * @param probe the probe it reads for
     * @param path the file it was blocked on, when known (empty otherwise)
     * @param pid its process on the host, left to end on its own
     * @param state its process state then ({@code D}: uninterruptible sleep), when known
     * @param skipped true: not started in this run, because its earlier process {@code pid} is still there
     */
    public record Stuck(int sample, String probe, String path, long pid, String state, boolean skipped) {
    }

    public Sample sample(int index) {
        return samples.stream().filter(s -> s.index() == index).findFirst().orElse(null);
    }
}
