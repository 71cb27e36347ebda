package io.triagebot.analysis;

import java.util.List;

/**
 * One recognised pattern on one host.
 *
 * @param pattern the pattern id (swap-death-spiral, cpu-saturation...)
 * @param title one line naming the problem and, where the data shows it, the culprit
 * @param impact the cost in units people use ("swap-in 4,200 pages/s, memory PSI full 23%")
 * @param evidence the exact numbers and where each came from
 * @param nextCommands specific commands to gather more data or confirm a hypothesis
 * @param runbooks short-term actions, each approval-gated
 * @param longTermFix what removes the cause
 * @param culprit the process, cgroup, device, IRQ or port the data points at, or null
 * @param score impact within its severity, for ordering (larger first); comparable across detectors
 *     as "how far past the threshold", 1.0 meaning exactly at it
 */
public record Finding(String pattern, Severity severity, Status status, String title, String impact,
        List<String> evidence, List<String> nextCommands, List<RunbookSuggestion> runbooks, String longTermFix,
        String culprit, double score) {

    public Finding {
        evidence = List.copyOf(evidence);
        nextCommands = List.copyOf(nextCommands);
        runbooks = List.copyOf(runbooks);
    }
}
