package io.triagebot.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.runbook.ResolvedAction;
import io.triagebot.runbook.RunbookCatalog;
import io.triagebot.runbook.RunbookCatalogLoader;
import io.triagebot.snapshot.ProcessStat;
import io.triagebot.snapshot.Sample;
import io.triagebot.snapshot.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pids are bound to the start time the proposing triage saw; without one, the action is not offered. */
class ProcessBindingsTest {

    @Test
    void bindsEachPidToItsStartTimeInTheSnapshot() throws Exception {
        RunbookCatalog catalog = RunbookCatalogLoader.loadBuiltIn();
        ResolvedAction renice = catalog.resolve("renice", Map.of("pid", "4242", "nice", "10"));
        Snapshot snapshot = snapshot(List.of(process(4242, 4242, 987654), process(4242, 4243, 987660),
                process(77, 77, 5)));
        assertEquals(Map.of("pid", 987654L), ProcessBindings.bind(renice, snapshot).orElseThrow());
    }

    @Test
    void aPidTheSnapshotDoesNotHoldCannotBeBound() throws Exception {
        RunbookCatalog catalog = RunbookCatalogLoader.loadBuiltIn();
        ResolvedAction renice = catalog.resolve("renice", Map.of("pid", "4242", "nice", "10"));
        assertTrue(ProcessBindings.bind(renice, snapshot(List.of(process(77, 77, 5)))).isEmpty());
        assertTrue(ProcessBindings.bind(renice, null).isEmpty(), "no snapshot, no binding");
        assertTrue(ProcessBindings.bind(renice, snapshot(List.of(new ProcessStat(4242, 4242, "x", 'S', 1, 0, 0, 0, 0,
                1, 0)))).isEmpty(), "a start time the snapshot did not read");
        ResolvedAction swappiness = catalog.resolve("vm-swappiness", Map.of("value", "10"));
        assertEquals(Map.of(), ProcessBindings.bind(swappiness, null).orElseThrow(), "nothing to bind");
    }

    private static ProcessStat process(int pid, int tid, long start) {
        return new ProcessStat(pid, tid, "postgres", 'R', 1, 0, 0, 100, 10, 1, 1000, start);
    }

    private static Snapshot snapshot(List<ProcessStat> processes) {
        Sample sample = new Sample(100, null, null, null, null, Map.of(), List.of(), Map.of(), Map.of(), List.of(),
                List.of(), null, null, null, Map.of(), List.of(), List.of(), List.of(), processes, List.of());
        return new Snapshot("db-3", "db-3", "6.1", Instant.EPOCH, 100, 1, sample, null, null, Map.of(), List.of(),
                Duration.ofSeconds(1));
    }
}
