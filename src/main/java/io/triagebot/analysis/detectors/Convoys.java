package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Programs whose threads queue on a lock, by the lock-convoy thresholds: shared by the lock-convoy
 * detector and the context-switch detector (whose switches such a convoy may explain), so both read the
 * same evidence the same way.
 */
final class Convoys {

    /**
     * One program waiting on a lock.
     *
     * @param strong the reference rule holds: in both samples at least wchan-share-percent of ALL its
     *     threads sat in the same lock wait channel
     */
    record Convoy(Tasks.Program program, Tasks.Waits first, Tasks.Waits second, boolean strong) {

        Tasks.Waits best() {
            return second.inTopWchan() >= first.inTopWchan() ? second : first;
        }

        String wchan() {
            return best().topWchan();
        }
    }

    private Convoys() {
    }

    /**
     * Active programs (CPU at least min-cpu-percent of one CPU, of which at least
     * min-system-share-percent in the kernel) with at least min-tasks threads whose waiting threads sit
     * mostly on one lock wait channel in every sample where any waited, and on it in at least one.
     * Strongest evidence first, then most kernel time.
     */
    static List<Convoy> find(AnalysisContext context, Tasks tasks) {
        Limits lim = new Limits(context, LockConvoyDetector.PATTERN);
        List<Convoy> out = new ArrayList<>();
        if (context.snapshot().second() == null) {
            return out;
        }
        double share = lim.v("wchan-share-percent");
        // A convoy is the threads of one process, or one program's single-threaded worker processes
        // (pre-fork servers, stress-ng workers); unrelated processes that merely share a name are not.
        List<Tasks.Program> candidates = new ArrayList<>(tasks.processes());
        for (Tasks.Program group : tasks.programs()) {
            boolean allSingle = group.pids().size() > 1 && tasks.processes().stream()
                    .filter(p -> group.pids().contains(p.mainPid())).allMatch(p -> p.tasks() == 1);
            if (allSingle) {
                candidates.add(group);
            }
        }
        for (Tasks.Program p : candidates) {
            if (p.tasks() < lim.v("min-tasks") || !(100 * p.cpus() >= lim.v("min-cpu-percent"))
                    || !(p.systemShare() >= lim.v("min-system-share-percent"))) {
                continue;
            }
            Tasks.Waits a = Tasks.waits(context.snapshot().first().threads(), p, Tasks.LOCK_WCHAN);
            Tasks.Waits b = Tasks.waits(context.snapshot().second().threads(), p, Tasks.LOCK_WCHAN);
            boolean seen = a.inTopWchan() > 0 || b.inTopWchan() > 0;
            boolean consistent = (a.withWchan() == 0 || a.waitingShare() >= share)
                    && (b.withWchan() == 0 || b.waitingShare() >= share);
            if (seen && consistent) {
                boolean strong = a.share() >= share && b.share() >= share && a.topWchan() != null
                        && a.topWchan().equals(b.topWchan());
                out.add(new Convoy(p, a, b, strong));
            }
        }
        out.sort(Comparator.comparing((Convoy c) -> !c.strong())
                .thenComparing(Comparator.comparingDouble((Convoy c) -> c.program().systemCpus()).reversed()));
        return out;
    }
}
