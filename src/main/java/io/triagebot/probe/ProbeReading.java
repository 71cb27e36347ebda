package io.triagebot.probe;

import java.util.List;
import java.util.Map;

/**
 * What one probe read on one target.
 *
 * @param samples per sample taken (one for a gauge, two for a counter), the lines read keyed by file path
 *     (or by the probe id for a command); a counter whose second sample is missing has one entry
 * @param unavailableReason null when the probe was read in every sample it needs; otherwise why not,
 *     phrased for the report ("missing: /proc/pressure/cpu (needs kernel >= 4.20, CONFIG_PSI)")
 * @param truncated a line or size bound cut the data short
 */
public record ProbeReading(String probeId, List<Map<String, List<String>>> samples, String unavailableReason,
        boolean truncated) {

    public boolean available() {
        return unavailableReason == null;
    }

    /** All lines of sample {@code index} (0-based), files concatenated in path order; empty if absent. */
    public List<String> lines(int index) {
        if (index >= samples.size()) {
            return List.of();
        }
        Map<String, List<String>> sample = samples.get(index);
        if (sample.size() == 1) {
            return sample.values().iterator().next();
        }
        return sample.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .flatMap(e -> e.getValue().stream()).toList();
    }

    /** Lines of sample {@code index} per file path; empty if absent. */
    public Map<String, List<String>> files(int index) {
        return index < samples.size() ? samples.get(index) : Map.of();
    }
}
