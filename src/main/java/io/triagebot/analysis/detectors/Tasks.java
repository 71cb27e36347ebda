package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.metrics.Deltas;
import io.triagebot.snapshot.ProcessStat;
import io.triagebot.snapshot.Snapshot;
import io.triagebot.snapshot.ThreadInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Processes grouped into "programs" (all processes sharing a command name: stress-ng-cpu workers,
 * postgres backends, a JVM) with their user and system CPU over the window and, per sample, the wait
 * channels of their threads. Pidstat's -u split and ps's wchan, computed from the two samples.
 */
final class Tasks {

    /** Kernel functions a task sleeps in while waiting for a lock (futex, rwsem, mutex, rt-mutex, sleeping locks). */
    static final Pattern LOCK_WCHAN = Pattern.compile(
            "futex\\w*|\\w*rwsem\\w*|\\w*mutex_lock\\w*|__mutex\\w*|rt_mutex\\w*|\\w*rt_spin\\w*|down_(read|write)\\w*"
                    + "|percpu_down\\w*|__lock_sock|lock_sock\\w*|io_schedule_lock\\w*");

    /** Kernel functions a task sleeps in while waiting for block or filesystem I/O. */
    static final Pattern IO_WCHAN = Pattern.compile(
            "io_schedule\\w*|\\w*wait_on_page\\w*|folio_wait\\w*|\\w*wait_on_buffer\\w*|blk_mq_get_tag|jbd2\\w*"
                    + "|\\w*log_wait_commit|file_write_and_wait\\w*|\\w*writeback\\w*|submit_bio_wait|bit_wait_io"
                    + "|xfs_\\w*|ext4_\\w*|btrfs_\\w*|nfs\\w*|rpc_wait\\w*|do_fsync|blkdev_issue_flush|balance_dirty_pages\\w*");

    /** One program: every process with this command name. */
    record Program(String comm, List<Integer> pids, int tasks, double userCpus, double systemCpus) {

        double cpus() {
            return userCpus + systemCpus;
        }

        double systemShare() {
            double all = cpus();
            return all > 0 ? 100.0 * systemCpus / all : Double.NaN;
        }

        int mainPid() {
            return pids.get(0);
        }

        /** "stress-ng-cpu (pid 1234)" or "stress-ng-cpu (4 processes: pids 1234, 1235, 1236, 1237)". */
        String label() {
            if (pids.size() == 1) {
                return comm + " (pid " + pids.get(0) + ")";
            }
            StringBuilder s = new StringBuilder(comm).append(" (").append(pids.size()).append(" processes: pids ");
            for (int i = 0; i < Math.min(4, pids.size()); i++) {
                s.append(i == 0 ? "" : ", ").append(pids.get(i));
            }
            return s.append(pids.size() > 4 ? ", ...)" : ")").toString();
        }
    }

    /** Threads of a group in one sample, by wait channel. */
    record Waits(int tasks, int running, int withWchan, String topWchan, int inTopWchan) {

        /** Share of the waiting (wchan known) tasks in the top wait channel, percent; NaN when none waited. */
        double waitingShare() {
            return withWchan > 0 ? 100.0 * inTopWchan / withWchan : Double.NaN;
        }

        double share() {
            return tasks > 0 ? 100.0 * inTopWchan / tasks : Double.NaN;
        }
    }

    private final List<Program> programs;
    private final List<Program> processes;
    private final double systemCpus;

    private Tasks(List<Program> programs, List<Program> processes, double systemCpus) {
        this.programs = programs;
        this.processes = processes;
        this.systemCpus = systemCpus;
    }

    /** Programs by CPU use over the window; empty without two samples of processes. */
    static Tasks of(AnalysisContext context) {
        Snapshot s = context.snapshot();
        if (!s.hasSecondSample() || s.first().processes().isEmpty() || s.second().processes().isEmpty()) {
            return new Tasks(List.of(), List.of(), 0);
        }
        double window = s.windowSeconds();
        double hz = context.metrics().cpu() == null ? 100 : Math.round(context.metrics().cpu().userHz());
        if (!(hz > 0)) {
            hz = 100;
        }
        Map<Integer, ProcessStat> before = new HashMap<>();
        for (ProcessStat p : s.first().processes()) {
            before.put(p.pid(), p);
        }
        Map<String, double[]> cpu = new LinkedHashMap<>();
        Map<String, List<Integer>> pids = new LinkedHashMap<>();
        Map<String, Integer> tasks = new HashMap<>();
        double sys = 0;
        List<Program> single = new ArrayList<>();
        for (ProcessStat y : s.second().processes()) {
            ProcessStat x = before.get(y.pid());
            double[] c = cpu.computeIfAbsent(y.comm(), k -> new double[2]);
            pids.computeIfAbsent(y.comm(), k -> new ArrayList<>()).add(y.pid());
            tasks.merge(y.comm(), Math.max(1, y.threads()), Integer::sum);
            if (x != null && x.comm().equals(y.comm())) {
                double u = Deltas.delta(x.utime(), y.utime()) / (window * hz);
                double k = Deltas.delta(x.stime(), y.stime()) / (window * hz);
                if (Grade.known(u) && Grade.known(k)) {
                    c[0] += u;
                    c[1] += k;
                    sys += k;
                    single.add(new Program(y.comm(), List.of(y.pid()), Math.max(1, y.threads()), u, k));
                    continue;
                }
            }
            single.add(new Program(y.comm(), List.of(y.pid()), Math.max(1, y.threads()), 0, 0));
        }
        List<Program> out = new ArrayList<>();
        cpu.forEach((comm, c) -> {
            List<Integer> p = new ArrayList<>(pids.get(comm));
            p.sort(Comparator.naturalOrder());
            out.add(new Program(comm, List.copyOf(p), tasks.get(comm), c[0], c[1]));
        });
        out.sort(Comparator.comparingDouble(Program::cpus).reversed());
        single.sort(Comparator.comparingDouble(Program::cpus).reversed());
        return new Tasks(List.copyOf(out), List.copyOf(single), sys);
    }

    /** Programs: processes grouped by command name, busiest first. */
    List<Program> programs() {
        return programs;
    }

    /** Each process on its own, busiest first. */
    List<Program> processes() {
        return processes;
    }

    /** The busiest program, or null. */
    Program top() {
        return programs.isEmpty() || !(programs.get(0).cpus() > 0) ? null : programs.get(0);
    }

    /** The program spending the most CPU in the kernel, or null. */
    Program topSystem() {
        return programs.stream().filter(p -> p.systemCpus() > 0)
                .max(Comparator.comparingDouble(Program::systemCpus)).orElse(null);
    }

    /** System CPU (in CPUs) summed over all processes seen in both samples. */
    double systemCpus() {
        return systemCpus;
    }

    /** The wait channels of one program's threads in one sample (all threads of its processes). */
    static Waits waits(List<ThreadInfo> threads, Program program, Pattern interesting) {
        java.util.Set<Integer> pids = new java.util.HashSet<>(program.pids());
        int total = 0;
        int running = 0;
        int withWchan = 0;
        Map<String, Integer> counts = new HashMap<>();
        for (ThreadInfo t : threads) {
            if (!pids.contains(t.stat().pid())) {
                continue;
            }
            total++;
            if (t.stat().state() == 'R') {
                running++;
            }
            if (t.wchan() != null) {
                withWchan++;
                if (interesting.matcher(t.wchan()).matches()) {
                    counts.merge(t.wchan(), 1, Integer::sum);
                }
            }
        }
        Map.Entry<String, Integer> top = counts.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElse(null);
        return new Waits(total, running, withWchan, top == null ? null : top.getKey(), top == null ? 0 : top.getValue());
    }

    /** Percent of a CPU, pidstat style: 1.5 CPUs prints "150%". */
    static String cpuPercent(double cpus) {
        return io.triagebot.analysis.Format.percent(100 * cpus) + " CPU";
    }
}
