package io.triagebot.approval;

import io.triagebot.runbook.ParameterSpec;
import io.triagebot.runbook.ParameterType;
import io.triagebot.runbook.ResolvedAction;
import io.triagebot.snapshot.ProcessStat;
import io.triagebot.snapshot.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Binds every process an action names to the start time it had in the triage that proposed it
 * ({@code /proc/PID/stat} field 22, clock ticks since boot). A pid is a number the kernel hands out again;
 * pid and start time together name one process, so an action on a pid that has since been reused is refused.
 */
final class ProcessBindings {

    private ProcessBindings() {
    }

    /**
     * Parameter name to start time for each pid parameter; empty when one of them is not a process of the
     * snapshot's samples (or there is no snapshot): such an action is not offered.
     */
    static Optional<Map<String, Long>> bind(ResolvedAction action, Snapshot snapshot) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (ParameterSpec p : action.runbook().parameters()) {
            if (p.type() != ParameterType.PID) {
                continue;
            }
            int pid = Integer.parseInt(action.values().get(p.name()));
            Optional<Long> start = snapshot == null ? Optional.empty() : startTime(snapshot, pid);
            if (start.isEmpty()) {
                return Optional.empty();
            }
            out.put(p.name(), start.get());
        }
        return Optional.of(out);
    }

    private static Optional<Long> startTime(Snapshot snapshot, int pid) {
        for (var sample : new io.triagebot.snapshot.Sample[] {snapshot.second(), snapshot.first()}) {
            if (sample == null || sample.processes() == null) {
                continue;
            }
            for (ProcessStat p : sample.processes()) {
                if (p.pid() == pid && p.tid() == pid && p.startTime() >= 0) {
                    return Optional.of(p.startTime());
                }
            }
        }
        return Optional.empty();
    }
}
