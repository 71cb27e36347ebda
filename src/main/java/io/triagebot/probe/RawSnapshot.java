package io.triagebot.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one collector run read on one target, per probe, untyped.
 *
 * @param target the host as asked for ("local", an alias, a name)
 * @param collectedAt wall-clock time of the first sample, on the machine running triagebot
 * @param uptimeSeconds the target's /proc/uptime at the first sample, or NaN when unknown
 * @param windowSeconds measured time between the two samples on the target, or NaN without a second sample
 * @param readings per probe id, in catalog order
 * @param notes what went wrong with the run as a whole (deadline, output cap), for the report
 * @param elapsed wall-clock time from start to parsed output
 */
public record RawSnapshot(String target, Instant collectedAt, double uptimeSeconds, double windowSeconds,
        Map<String, ProbeReading> readings, List<String> notes, Duration elapsed) {

    public Optional<ProbeReading> reading(String probeId) {
        return Optional.ofNullable(readings.get(probeId));
    }

    /** Probes that could not be read, with the reason, in catalog order. */
    public Map<String, String> unavailable() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        readings.forEach((id, r) -> {
            if (!r.available()) {
                out.put(id, r.unavailableReason());
            }
        });
        return out;
    }
}
