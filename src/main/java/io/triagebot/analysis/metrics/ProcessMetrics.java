package io.triagebot.analysis.metrics;

import io.triagebot.snapshot.ProcessStat;
import io.triagebot.snapshot.ThreadInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Processes and threads over the window, as pidstat 1 and ps report them. Lists are bounded.
 *
 * @param topCpu busiest processes first (cpuPercent: 100 = one full CPU, like pidstat)
 * @param topMemory largest resident set first
 * @param topSwap most swapped-out first
 * @param blocked threads in uninterruptible sleep (D) at the second sample
 * @param waitGroups per process, the wait channel most of its threads sleep in, when it has several threads
 * @param totalThreads threads seen at the second sample
 */
public record ProcessMetrics(List<Proc> topCpu, List<Proc> topMemory, List<Proc> topSwap, List<Blocked> blocked,
        List<WaitGroup> waitGroups, int totalProcesses, int totalThreads) {

    /** How many of each list the report keeps. */
    public static final int LIMIT = 10;
    /** Resident sizes assume 4 KiB pages (x86-64 and most arm64 kernels). */
    public static final long PAGE_KB = 4;

    /** One process. cpuPercent and majorFaultsPerSecond are NaN when it was not in both samples. */
    public record Proc(int pid, String comm, char state, double cpuPercent, double majorFaultsPerSecond, long rssKb,
            long swapKb, int threads) {
    }

    /** A thread stuck in D state, and whether it was already in D at the first sample. */
    public record Blocked(int pid, int tid, String comm, String wchan, boolean inBothSamples) {
    }

    /**
     * The dominant wait channel among one process's threads, in each sample.
     *
     * @param firstShare share of threads in that wchan at the first sample (percent), NaN if unknown
     * @param secondShare same at the second sample
     */
    public record WaitGroup(int pid, String comm, int threads, String wchan, int inWchan, double firstShare,
            double secondShare) {
    }

    public Proc byPid(int pid) {
        return topCpu.stream().filter(p -> p.pid() == pid).findFirst()
                .or(() -> topMemory.stream().filter(p -> p.pid() == pid).findFirst())
                .orElse(null);
    }

    static ProcessMetrics of(List<ProcessStat> a, List<ProcessStat> b, List<ThreadInfo> ta, List<ThreadInfo> tb,
            Map<Integer, Long> swapKb, double window, double userHz) {
        Map<Integer, ProcessStat> before = new HashMap<>();
        for (ProcessStat p : a) {
            before.put(p.pid(), p);
        }
        List<Proc> all = new ArrayList<>(b.size());
        for (ProcessStat y : b) {
            ProcessStat x = before.get(y.pid());
            // A pid reused by a new process in the window shows up as a counter going backwards.
            boolean same = x != null && x.comm().equals(y.comm());
            double cpu = same && window > 0 && userHz > 0
                    ? 100.0 * Deltas.delta(x.utime() + x.stime(), y.utime() + y.stime()) / (window * userHz)
                    : Double.NaN;
            double majflt = same ? Deltas.rate(x.majorFaults(), y.majorFaults(), window) : Double.NaN;
            all.add(new Proc(y.pid(), y.comm(), y.state(), cpu, majflt, y.rssPages() * PAGE_KB,
                    swapKb.getOrDefault(y.pid(), 0L), y.threads()));
        }
        List<Proc> topCpu = top(all, Comparator.comparingDouble((Proc p) -> Double.isNaN(p.cpuPercent()) ? -1 : p.cpuPercent()));
        List<Proc> topMem = top(all, Comparator.comparingLong(Proc::rssKb));
        List<Proc> topSwap = top(all.stream().filter(p -> p.swapKb() > 0).toList(), Comparator.comparingLong(Proc::swapKb));
        return new ProcessMetrics(topCpu, topMem, topSwap, blocked(ta, tb), waitGroups(ta, tb), b.size(), tb.size());
    }

    private static List<Proc> top(List<Proc> all, Comparator<Proc> order) {
        return all.stream().sorted(order.reversed()).limit(LIMIT).toList();
    }

    private static List<Blocked> blocked(List<ThreadInfo> a, List<ThreadInfo> b) {
        Set<Integer> blockedBefore = new HashSet<>();
        for (ThreadInfo t : a) {
            if (t.stat().state() == 'D') {
                blockedBefore.add(t.stat().tid());
            }
        }
        List<Blocked> out = new ArrayList<>();
        for (ThreadInfo t : b) {
            if (t.stat().state() == 'D') {
                out.add(new Blocked(t.stat().pid(), t.stat().tid(), t.stat().comm(), t.wchan(),
                        blockedBefore.contains(t.stat().tid())));
            }
        }
        return out;
    }

    /** Processes with at least 4 threads, by the wchan most of their threads share in the second sample. */
    private static List<WaitGroup> waitGroups(List<ThreadInfo> a, List<ThreadInfo> b) {
        Map<Integer, List<ThreadInfo>> byPidA = group(a);
        Map<Integer, List<ThreadInfo>> byPidB = group(b);
        List<WaitGroup> out = new ArrayList<>();
        byPidB.forEach((pid, threads) -> {
            if (threads.size() < 4) {
                return;
            }
            Map<String, Integer> counts = new HashMap<>();
            for (ThreadInfo t : threads) {
                if (t.wchan() != null) {
                    counts.merge(t.wchan(), 1, Integer::sum);
                }
            }
            counts.entrySet().stream().max(Map.Entry.comparingByValue()).ifPresent(e -> {
                List<ThreadInfo> before = byPidA.getOrDefault(pid, List.of());
                double firstShare = before.isEmpty() ? Double.NaN
                        : 100.0 * before.stream().filter(t -> e.getKey().equals(t.wchan())).count() / before.size();
                String comm = threads.get(0).stat().comm();
                for (ThreadInfo t : threads) {
                    if (t.stat().tid() == pid) {
                        comm = t.stat().comm();
                    }
                }
                out.add(new WaitGroup(pid, comm, threads.size(), e.getKey(), e.getValue(), firstShare,
                        100.0 * e.getValue() / threads.size()));
            });
        });
        out.sort(Comparator.comparingInt(WaitGroup::inWchan).reversed());
        return out.stream().limit(LIMIT).toList();
    }

    private static Map<Integer, List<ThreadInfo>> group(List<ThreadInfo> threads) {
        Map<Integer, List<ThreadInfo>> out = new HashMap<>();
        for (ThreadInfo t : threads) {
            out.computeIfAbsent(t.stat().pid(), k -> new ArrayList<>()).add(t);
        }
        return out;
    }
}
