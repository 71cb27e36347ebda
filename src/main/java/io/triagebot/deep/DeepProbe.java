package io.triagebot.deep;

import java.util.List;
import java.util.Map;

/**
 * One entry of the deep probe catalog ({@code commands/deep/ID.yaml}), validated by
 * {@link DeepCatalogLoader}. Everything here is trusted catalog data, like the runbooks; the only values a
 * user supplies for a run are the kind (this id) and the seconds, checked by {@link #checkSeconds}.
 *
 * @param frequency samples per second per CPU for perf; 0 for bpftrace probes
 * @param sampling what is sampled or traced, for people
 * @param weight what the numbers count ("samples", "microseconds off-CPU", "wake-ups")
 * @param unit the histogram's value unit ("microseconds"), or null
 * @param map the bpftrace map holding the result, or null for perf
 * @param keys column names of a count map's keys, in order; empty for other outputs
 * @param graceSeconds time the tool may take beyond the duration (start-up, symbol resolution)
 * @param program the bpftrace program, with {@code $1} standing for the seconds; null for perf
 * @param explanations for each requirement the probe has, what "unavailable" means and how to fix it
 * @param source "commands/deep/cpu.yaml:3", for messages
 */
public record DeepProbe(String id, String title, String description, Tool tool, OutputKind output, int frequency,
        String sampling, String weight, String unit, String map, List<String> keys, int defaultSeconds,
        int maxSeconds, int graceSeconds, String overhead, String privileges, String program,
        Requirements requirements, Map<Requirement, String> explanations, String source) {

    public DeepProbe {
        keys = List.copyOf(keys);
        explanations = Map.copyOf(explanations);
    }

    /**
     * The seconds to run for: {@code requested}, or the default when null.
     *
     * @throws IllegalArgumentException naming the allowed range when out of bounds
     */
    public int checkSeconds(Integer requested) {
        if (requested == null) {
            return defaultSeconds;
        }
        if (requested < 1 || requested > maxSeconds) {
            throw new IllegalArgumentException(id + " runs for 1 to " + maxSeconds + " seconds, not " + requested);
        }
        return requested;
    }

    /** The explanation for a missing requirement, or a generic one for those the catalog does not cover. */
    public String explain(Requirement requirement) {
        String text = explanations.get(requirement);
        if (text != null) {
            return text;
        }
        return switch (requirement) {
            case TMPDIR -> "the host's temporary directory is not writable (full disk, read-only /tmp?)";
            case BINARY -> "a program the probe needs is not installed on the host";
            default -> "the host does not meet this probe's requirement '" + requirement.key() + "'";
        };
    }
}
