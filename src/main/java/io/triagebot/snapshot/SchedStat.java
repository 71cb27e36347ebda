package io.triagebot.snapshot;

import java.util.List;

/** /proc/schedstat per CPU: nanoseconds on CPU, nanoseconds waiting on the run queue, timeslices. */
public record SchedStat(List<Cpu> cpus) {

    public record Cpu(int cpu, long runningNanos, long waitingNanos, long timeslices) {
    }

    public long totalWaitingNanos() {
        return cpus.stream().mapToLong(Cpu::waitingNanos).sum();
    }
}
