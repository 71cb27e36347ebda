package io.triagebot.cli;

import io.triagebot.deep.DeepCatalog;
import io.triagebot.deep.DeepCatalogException;
import io.triagebot.deep.DeepCatalogLoader;
import io.triagebot.deep.DeepDive;
import io.triagebot.deep.DeepDiveResult;
import io.triagebot.deep.DeepFile;
import io.triagebot.deep.InMemoryDeepProbeLocks;
import io.triagebot.probe.HostName;
import io.triagebot.probe.LocalScriptRunner;
import io.triagebot.probe.TargetConnector;
import io.triagebot.ssh.SshConfigException;
import io.triagebot.ssh.SshTargetConnector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code triagebot profile HOST --kind KIND --seconds N --output DIR}: one deep probe, files written. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Deep dive: a bounded CPU profile or latency histogram of one host. Runs perf or bpftrace on"
            + " HOST (over SSH, or on this machine for 'local') for the given seconds, then writes a flame graph (SVG"
            + " and PNG) or a histogram PNG to DIR and prints the summary."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:files written (the summary says when results are partial or when nothing happened)",
            "1:internal error",
            "2:usage error (bad option, host name, kind or seconds)",
            "3:host unreachable (refused, timeout, auth, host key), or busy with another deep probe",
            "4:configuration error (deep probe catalog, SSH config), or the output directory is not writable",
            "5:the probe is unavailable on the host (missing binary, root, perf_event_paranoid, BTF, tracefs)",
            "6:the tool ran and failed"})
final class ProfileCommand implements Callable<Integer> {

    /** The probe cannot run on this host; the summary says which prerequisite is missing. */
    static final int UNAVAILABLE = 5;
    /** perf or bpftrace started and failed. */
    static final int TOOL_FAILED = 6;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST", description = "'local' or a host name / SSH alias")
    String host;

    @Option(names = "--kind", required = true, paramLabel = "KIND",
            description = "cpu, offcpu, runqlat, biolat, tcpretrans or pagefaults (commands/deep/)")
    String kind;

    @Option(names = "--seconds", paramLabel = "N",
            description = "how long to sample (default and maximum per kind, see README; at most 30)")
    Integer seconds;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "where to write the files")
    Path output;

    @Option(names = "--ssh-config", paramLabel = "PATH",
            description = "OpenSSH client config file (default ~/.ssh/config)")
    Path sshConfig;

    @Option(names = "--deep-probes", paramLabel = "DIR",
            description = "deep probe catalog directory (default: the built-in copy of commands/deep/)")
    Path deepProbes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String problem = HostName.problemWith(host);
        if (problem != null) {
            err.println("triagebot: " + problem);
            return ExitCodes.USAGE;
        }
        DeepCatalog catalog;
        TargetConnector runners;
        try {
            catalog = deepProbes == null ? DeepCatalogLoader.loadBuiltIn() : DeepCatalogLoader.load(deepProbes);
            runners = connector(new HostName(host).isLocal() ? null : SshTargetConnector.fromConfigPath(sshConfig));
        } catch (DeepCatalogException | SshConfigException e) {
            err.println("triagebot: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            err.println("triagebot: cannot create " + output + ": " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        DeepDive dive = new DeepDive(catalog, runners, new InMemoryDeepProbeLocks(), Clock.systemUTC(),
                DeepDive.Settings.defaults());
        DeepDiveResult result = dive.run(host, kind, seconds, System.getProperty("user.name", "cli"));
        err.printf(java.util.Locale.ROOT, "triagebot: %s on %s: %s in %.1f s%n", result.kind(), result.host(),
                result.outcome().name().toLowerCase(java.util.Locale.ROOT), result.elapsed().toMillis() / 1000.0);
        for (DeepFile f : result.files()) {
            try {
                Files.write(output.resolve(f.name()), f.content());
                err.println("triagebot: wrote " + output.resolve(f.name()));
            } catch (IOException e) {
                err.println("triagebot: cannot write " + output.resolve(f.name()) + ": " + e.getMessage());
                return ExitCodes.CONFIG;
            }
        }
        try {
            return exitCode(result, out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int exitCode(DeepDiveResult result, PrintWriter out, PrintWriter err) {
        return switch (result.outcome()) {
            case COMPLETED, PARTIAL -> {
                out.print(result.text());
                yield ExitCodes.OK;
            }
            case UNAVAILABLE -> {
                out.print(result.text());
                yield UNAVAILABLE;
            }
            case INVALID -> {
                err.println("triagebot: " + result.text());
                yield ExitCodes.USAGE;
            }
            case FAILED -> {
                err.println("triagebot: " + result.text());
                yield TOOL_FAILED;
            }
            case UNREACHABLE, BUSY, COOLING_DOWN -> {
                err.println("triagebot: " + result.text());
                yield ExitCodes.UNREACHABLE;
            }
        };
    }

    /** Local runs through /bin/sh; every other host through SSH, as triage reaches it. */
    private static TargetConnector connector(SshTargetConnector ssh) {
        return h -> h.isLocal() ? new LocalScriptRunner() : ssh.runnerFor(h);
    }
}
