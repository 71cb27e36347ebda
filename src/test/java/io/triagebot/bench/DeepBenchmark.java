package io.triagebot.bench;

import io.triagebot.deep.DeepCatalogLoader;
import io.triagebot.deep.DeepDive;
import io.triagebot.deep.DeepDiveResult;
import io.triagebot.deep.InMemoryDeepProbeLocks;
import io.triagebot.ssh.SshTargetConnector;
import io.triagebot.testsupport.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What a deep dive costs, for README.md: a CPU profile over SSH to a loopback sshd, from the request to
 * the rendered files (goal: the duration plus 3 s), and the CPU it costs the target (the SSH session,
 * perf record and perf script). Needs root, perf and sshd. Not a test: run it with bench/run.
 *
 * <pre>bench/run [RUNS]   (runs DeepBenchmark after Benchmark; or on its own: DeepBenchmark RUNS SECONDS)</pre>
 */
public final class DeepBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Math.max(1, Math.min(Integer.parseInt(args[0]), 5)) : 3;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (TestSshd sshd = TestSshd.start()) {
            Path config = sshd.writeClientConfig(Files.createTempFile("deep-bench", ".config"), "bench", "User root");
            // No cooldown between the benchmark's own runs; everything else as the bot runs it.
            DeepDive dive = new DeepDive(DeepCatalogLoader.loadBuiltIn(), SshTargetConnector.fromConfigPath(config),
                    new InMemoryDeepProbeLocks(), Clock.systemUTC(), new DeepDive.Settings(Duration.ZERO,
                            DeepDive.Settings.DEFAULT_MAX_OUTPUT_BYTES, Duration.ofSeconds(10)));
            DeepDiveResult warmUp = dive.run("bench", "cpu", 2, "bench");
            if (warmUp.outcome() != DeepDiveResult.Outcome.COMPLETED) {
                System.out.println("deep dive benchmark skipped: " + warmUp.text());
                return;
            }
            long sshdPid = Long.parseLong(Files.readString(sshd.directory().resolve("sshd.pid")).strip());
            List<Double> elapsed = new ArrayList<>();
            long ticks = 0;
            for (int i = 0; i < runs; i++) {
                long before = childTicks(sshdPid);
                DeepDiveResult r = dive.run("bench", "cpu", seconds, "bench");
                ticks += childTicks(sshdPid) - before;
                if (r.outcome() != DeepDiveResult.Outcome.COMPLETED) {
                    throw new IllegalStateException("profile failed: " + r.text());
                }
                elapsed.add(r.elapsed().toMillis() / 1000.0);
            }
            Collections.sort(elapsed);
            System.out.printf(Locale.ROOT, "| %d s CPU profile over SSH, request to SVG and PNG rendered | %.2f s | %.2f s (max) |"
                    + " <= %d s |%n", seconds, elapsed.get(elapsed.size() / 2), elapsed.get(elapsed.size() - 1),
                    seconds + 3);
            System.out.printf(Locale.ROOT, "| target CPU per %d s CPU profile (SSH session, perf record, perf script) |"
                    + " %.0f ms | | |%n", seconds, ticks * 10.0 / runs);
        }
    }

    /** CPU time (user+sys, clock ticks of 10 ms) of the waited-for children of {@code pid}. */
    private static long childTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
