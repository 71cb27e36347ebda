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
import io.triagebot.config.BotConfig;
import io.triagebot.slack.SlackBot;
import io.triagebot.store.Database;
import io.triagebot.store.DatabaseSettings;
import io.triagebot.testsupport.FakeSlackApi;
import io.triagebot.testsupport.SignedSlackRequests;
import io.triagebot.testsupport.TestSshd;
import io.triagebot.triage.TriageSetup;
import java.util.Set;
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
        try (TestSshd sshd = TestSshd.builder().isolatedHome().start(); FakeSlackApi slack = new FakeSlackApi()) {
            Path config = sshd.writeClientConfig(Files.createTempFile("bench", ".config"), "bench");
            ScriptRunner ssh = SshTargetConnector.fromConfigPath(config).runnerFor(new HostName("bench"));
            collector.collect("bench", ssh, settings); // warm up JSch and the JIT
            if (args.length > 1 && args[1].equals("heap")) { // bench/run N heap: the heap figures alone
                heapFigures(collector, settings, ssh);
                return;
            }
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
                bytes += run.parsed().bytesRead();
            }
            double sessionCpuMs = (childTicks(sshdPid) - cpuBefore) * 10.0 / runs;
            System.out.println("| measurement | median | p90 | goal |");
            System.out.println("|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| SSH triage, start to parsed snapshot | %.0f ms | %.0f ms | <= %d ms |%n",
                    pct(latencies, 50), pct(latencies, 90), settings.window().toMillis() + 300);
            System.out.printf(Locale.ROOT, "| target CPU per SSH triage (sshd session + collector, user+sys) | %.1f ms | | |%n",
                    sessionCpuMs);
            System.out.printf(Locale.ROOT, "| collector output per triage | %.0f KiB | | |%n", bytes / 1024.0 / runs);
            heapFigures(collector, settings, ssh);
            slackFigures(runs, config, slack, settings);
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

    /**
     * Peak heap during one SSH triage of an ordinary host, and of a host whose process list is 17 MiB of
     * {@code a\n} per sample (goal: at most 64 MiB above the ordinary one). Sampled every millisecond from a
     * thread of its own, after a full GC; the flooding host is the test sshd in a mount namespace where the
     * tasks probe's grep floods (root only).
     */
    private static void heapFigures(Collector collector, CollectorSettings settings, ScriptRunner idle) throws Exception {
        if (!io.triagebot.testsupport.LiveTests.isRoot()) {
            System.out.println("| peak heap, flooding host | not measured: needs root | | |");
            return;
        }
        Path dir = Files.createTempDirectory("bench-flood");
        try (io.triagebot.testsupport.HostileHost flood = io.triagebot.testsupport.HostileHost.builder(dir)
                .replaceTasksGrep("yes a | head -c 17825792").start()) {
            Path config = flood.sshd().writeClientConfig(dir.resolve("config"), "flood");
            ScriptRunner flooding = SshTargetConnector.fromConfigPath(config).runnerFor(new HostName("flood"));
            CollectorSettings longer = new CollectorSettings(settings.window(), Duration.ofSeconds(30),
                    settings.maxOutputBytes());
            List<Double> idlePeaks = new ArrayList<>();
            List<Double> floodPeaks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                idlePeaks.add(peakHeapMiB(() -> collector.collect("bench", idle, longer)));
                floodPeaks.add(peakHeapMiB(() -> collector.collect("flood", flooding, longer)));
            }
            double idleMiB = pct(idlePeaks, 50);
            double floodMiB = pct(floodPeaks, 50);
            System.out.printf(Locale.ROOT, "| peak heap during a triage, ordinary host (above the heap before) | %.1f MiB | | |%n",
                    idleMiB);
            System.out.printf(Locale.ROOT, "| peak heap during a triage, host flooding 2 x 17 MiB of a-lines | %.1f MiB | | |%n",
                    floodMiB);
            System.out.printf(Locale.ROOT, "| flooding host minus ordinary host, peak heap | %.1f MiB | %.1f MiB (max) | <= 64 MiB |%n",
                    floodMiB - idleMiB, java.util.Collections.max(floodPeaks) - idleMiB);
        }
    }

    private interface Triage {
        Object run() throws Exception;
    }

    /** The most heap in use while {@code triage} runs, above what was in use after a full GC before it. */
    private static double peakHeapMiB(Triage triage) throws Exception {
        var memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong(before);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.start();
        Object result;
        try {
            result = triage.run();
        } finally {
            done.set(true);
            sampler.join();
        }
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        if (result == null) {
            throw new IllegalStateException("no snapshot");
        }
        return (peak.get() - before) / 1048576.0;
    }

    /** /triage through a real Bolt app over HTTP, Slack's Web API faked on loopback. */
    private static void slackFigures(int runs, Path sshConfig, FakeSlackApi slack, CollectorSettings settings)
            throws Exception {
        String secret = "bench-signing-secret";
        Path data = Files.createTempDirectory("bench-data");
        BotConfig config = new BotConfig("xoxb-bench", null, secret, slack.baseUrl(), 0, 0, Set.of(), Set.of(),
                settings.window(), settings.deadline(), 4, 100, 10, sshConfig, null, null, data,
                DatabaseSettings.embedded(data), null, BotConfig.Approval.defaults());
        var service = TriageSetup.build(null, null, sshConfig, true, settings);
        try (Database database = Database.open(config.database());
                SlackBot bot = new SlackBot(config, service, service::runnerFor,
                        io.triagebot.runbook.RunbookCatalogLoader.loadBuiltIn(), database, java.time.Clock.systemUTC())) {
            bot.start();
            SignedSlackRequests requests = new SignedSlackRequests(
                    java.net.URI.create("http://127.0.0.1:" + bot.httpPort() + SlackBot.EVENTS_PATH), secret);
            List<Double> acks = new ArrayList<>();
            List<Double> summaries = new ArrayList<>();
            for (int i = 0; i < runs + 1; i++) {
                slack.reset();
                long start = System.nanoTime();
                var response = requests.send(SignedSlackRequests.slashCommand("C0BENCH", "U0BENCH", "bench"));
                double ack = (System.nanoTime() - start) / 1e6;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("bot answered " + response.statusCode());
                }
                while (slack.calls("chat.update").isEmpty()) {
                    Thread.sleep(2);
                    if ((System.nanoTime() - start) / 1e9 > 30) {
                        throw new IllegalStateException("no summary within 30 s");
                    }
                }
                if (i > 0) { // the first run warms Bolt, Jetty and the JIT
                    acks.add(ack);
                    summaries.add((System.nanoTime() - start) / 1e6);
                }
            }
            System.out.printf(Locale.ROOT, "| Slack /triage ack (signed HTTP request to response) | %.0f ms | %.0f ms | < 200 ms |%n",
                    pct(acks, 50), pct(acks, 90));
            System.out.printf(Locale.ROOT, "| Slack /triage to summary posted and anchor updated | %.0f ms | %.0f ms | |%n",
                    pct(summaries, 50), pct(summaries, 90));
            actionFigures(runs, bot, requests);
        }
    }

    /**
     * Approve & run through Bolt: the click's ack, and the click to the action recorded as executed over
     * SSH (precondition, capture, command, read-back: one script over one login). The action sets vm.swappiness to the value it
     * already has, so the machine is left as it was. Root only.
     */
    private static void actionFigures(int runs, SlackBot bot, SignedSlackRequests requests) throws Exception {
        Path swappiness = Path.of("/proc/sys/vm/swappiness");
        if (!Files.isWritable(swappiness)) {
            System.out.println("| approve-to-run | not measured: needs root | | |");
            return;
        }
        var incident = bot.incidents().open("C0BENCH", "U0BENCH", "bench");
        var actions = bot.approvals().store();
        List<Double> acks = new ArrayList<>();
        List<Double> runsMs = new ArrayList<>();
        for (int i = 0; i < runs + 1; i++) {
            String current;
            try (var in = Files.newInputStream(swappiness)) {
                current = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            }
            var now = java.time.Instant.now();
            var action = actions.propose(new io.triagebot.approval.ActionStore.Proposal(incident.id(), "bench",
                    "vm-swappiness", "bench", java.util.Map.of("value", current), null, "U0BENCH", 1, null, Double.NaN),
                    now, now.plusSeconds(600));
            long start = System.nanoTime();
            var response = requests.send(SignedSlackRequests.buttonClick("C0BENCH", "U0APPROVER", "action_approve",
                    action.token()));
            double ack = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("bot answered " + response.statusCode());
            }
            while (true) {
                var state = actions.find(action.id()).orElseThrow().state();
                if (state == io.triagebot.approval.ActionState.EXECUTED) {
                    break;
                }
                if (state == io.triagebot.approval.ActionState.FAILED || (System.nanoTime() - start) / 1e9 > 30) {
                    throw new IllegalStateException("action " + state + ": " + actions.find(action.id()).orElseThrow()
                            .output());
                }
                Thread.sleep(2);
            }
            if (i > 0) {
                acks.add(ack);
                runsMs.add((System.nanoTime() - start) / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "| Slack Approve & run click ack | %.0f ms | %.0f ms | < 200 ms |%n",
                pct(acks, 50), pct(acks, 90));
        System.out.printf(Locale.ROOT, "| Approve & run click to executed and recorded (one SSH login for all steps) | %.0f ms | %.0f ms | < 300 ms |%n",
                pct(runsMs, 50), pct(runsMs, 90));
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
