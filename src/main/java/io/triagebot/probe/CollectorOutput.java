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
 */
public record CollectorOutput(List<Sample> samples, boolean finished, boolean stoppedAtDeadline, int linesCut) {

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

    public Sample sample(int index) {
        return samples.stream().filter(s -> s.index() == index).findFirst().orElse(null);
    }
}
