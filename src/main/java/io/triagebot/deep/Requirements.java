package io.triagebot.deep;

import java.util.List;

/**
 * What a deep probe needs on the host.
 *
 * @param binary the tool's executable
 * @param root the probe needs root (bpftrace always does)
 * @param maxParanoid for perf: the highest {@code kernel.perf_event_paranoid} at which a non-root user
 *     may run it; null when the probe does not use perf events as a non-root user
 * @param btf the program needs kernel BTF ({@code /sys/kernel/btf/vmlinux})
 * @param tracefs the program attaches to tracepoints, found through tracefs
 * @param tracepoints the tracepoints the program attaches to ("sched:sched_switch"), from its text
 */
public record Requirements(String binary, boolean root, Integer maxParanoid, boolean btf, boolean tracefs,
        List<String> tracepoints) {

    public Requirements {
        tracepoints = List.copyOf(tracepoints);
    }
}
