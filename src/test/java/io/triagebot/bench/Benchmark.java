package io.triagebot.bench;

import io.triagebot.analysis.Analyzer;
import io.triagebot.analysis.Thresholds;
import io.triagebot.analysis.detectors.Detectors;
import io.triagebot.probe.Collector;
import io.triagebot.probe.CollectorRun;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.HostName;
import io.triagebot.probe.LocalScriptRunner;
import io.triagebot.probe.ProbeCatalogLoader;
import io.triagebot.probe.RawSnapshot;
import io.triagebot.probe.RunLimits;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.snapshot.Snapshot;
import io.triagebot.snapshot.SnapshotReader;
import io.triagebot.ssh.SshTargetConnector;
import io.triagebot.testsupport.TestSshd;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Speed and cost figures for README.md, printed as a table. Not a test: run it with bench/run.
 *
 * <ul>
 *   <li>start-to-snapshot latency over SSH to a loopback sshd (goal: window + 300 ms);</li>
 *   <li>CPU the target spends per triage: the whole sshd session (key exchange included) and the
 *       collector script alone (goal: 20 ms user+sys);</li>
 *   <li>analysis time and allocation per snapshot (goal: under 5 ms).</li>
 * </ul>
 */
public final class Benchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Collector collector = new Collector(ProbeCatalogLoader.loadBuiltIn());
        CollectorSettings settings = new CollectorSettings(Duration.ofSeconds(1), Duration.ofSeconds(10),
                RunLimits.DEFAULT_MAX_OUTPUT_BYTES);
        Analyzer analyzer = new Analyzer(Detectors.standard(), Thresholds.builtIn());
        System.out.printf(Locale.ROOT, "machine: %s, %d CPUs, %s, Java %s%n", uname(),
                Runtime.getRuntime().availableProcessors(), memTotal(), System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "runs: %d per measurement, window %.1f s%n%n", runs,
                settings.window().toMillis() / 1000.0);

        Snapshot last;
        try (TestSshd sshd = TestSshd.start()) {
            Path config = sshd.writeClientConfig(Files.createTempFile("bench", ".config"), "bench");
            ScriptRunner ssh = SshTargetConnector.fromConfigPath(config).runnerFor(new HostName("bench"));
            collector.collect("bench", ssh, settings); // warm up JSch and the JIT
            long sshdPid = Long.parseLong(Files.readString(sshd.directory().resolve("sshd.pid")).strip());
            long cpuBefore = childTicks(sshdPid);
            List<Double> latencies = new ArrayList<>();
            long bytes = 0;
            last = null;
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                CollectorRun run = collector.run(ssh, settings);
                RawSnapshot raw = collector.assemble("bench", run, settings);
                last = SnapshotReader.read(raw);
                latencies.add((System.nanoTime() - start) / 1e6);
                bytes += run.output().stdout().length;
            }
            double sessionCpuMs = (childTicks(sshdPid) - cpuBefore) * 10.0 / runs;
            System.out.println("| measurement | median | p90 | goal |");
            System.out.println("|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| SSH triage, start to parsed snapshot | %.0f ms | %.0f ms | <= %d ms |%n",
                    pct(latencies, 50), pct(latencies, 90), settings.window().toMillis() + 300);
            System.out.printf(Locale.ROOT, "| target CPU per SSH triage (sshd session + collector, user+sys) | %.1f ms | | |%n",
                    sessionCpuMs);
            System.out.printf(Locale.ROOT, "| collector output per triage | %.0f KiB | | |%n", bytes / 1024.0 / runs);
        }

        long before = selfChildTicks();
        for (int i = 0; i < runs; i++) {
            collector.run(new LocalScriptRunner(), settings);
        }
        double scriptCpuMs = (selfChildTicks() - before) * 10.0 / runs;
        System.out.printf(Locale.ROOT, "| collector script alone, CPU per triage (user+sys) | %.1f ms | | <= 20 ms |%n",
                scriptCpuMs);

        for (int i = 0; i < 2000; i++) {
            analyzer.analyze(last); // warm-up
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Double> analysis = new ArrayList<>();
        long allocBefore = threads.getCurrentThreadAllocatedBytes();
        int analyses = 5000;
        for (int i = 0; i < analyses; i++) {
            long start = System.nanoTime();
            analyzer.analyze(last);
            analysis.add((System.nanoTime() - start) / 1e3);
        }
        long allocated = (threads.getCurrentThreadAllocatedBytes() - allocBefore) / analyses;
        System.out.printf(Locale.ROOT, "| analysis of one snapshot (metrics + %d detectors + report) | %.0f us | %.0f us | < 5,000 us |%n",
                Detectors.standard().size(), pct(analysis, 50), pct(analysis, 90));
        System.out.printf(Locale.ROOT, "| memory allocated per analysis | %.0f KiB | | |%n", allocated / 1024.0);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "| JVM heap in use after the run | %.0f MiB | | |%n",
                (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    }

    private static double pct(List<Double> values, int percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** cutime + cstime of a process: CPU of its children that it has waited for, in USER_HZ ticks. */
    private static long childTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    private static long selfChildTicks() throws IOException {
        return childTicks(ProcessHandle.current().pid());
    }

    private static String uname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip() + " "
                    + System.getProperty("os.arch");
        } catch (IOException e) {
            return System.getProperty("os.name");
        }
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1048576.0) + " GiB";
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "? GiB";
    }
}
