package io.triagebot.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A typed two-sample picture of one host: what the analysis works from. It carries no knowledge of
 * how it was collected (SSH or local) beyond the target's name.
 *
 * @param target the host as asked for
 * @param hostname what the host calls itself, or null
 * @param kernel the kernel release, or null
 * @param windowSeconds seconds between the samples as the target measured them; NaN without a second
 * @param second null when the run ended before the second sample
 * @param unavailable probe id to the reason it could not be read, in catalog order
 * @param notes problems with the run as a whole (deadline, cap)
 * @param collectionTime wall-clock time the collection took
 */
public record Snapshot(
        String target,
        String hostname,
        String kernel,
        Instant collectedAt,
        double uptimeSeconds,
        double windowSeconds,
        Sample first,
        Sample second,
        Gauges gauges,
        Map<String, String> unavailable,
        List<String> notes,
        Duration collectionTime) {

    public boolean hasSecondSample() {
        return second != null && windowSeconds > 0;
    }

    /** CPUs online as /proc/stat lists them, or 0 when unknown. */
    public int cpuCount() {
        return first.stat() == null ? 0 : first.stat().cpuCount();
    }
}
