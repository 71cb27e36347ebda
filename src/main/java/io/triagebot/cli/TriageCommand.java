package io.triagebot.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triagebot.analysis.ReportJson;
import io.triagebot.analysis.Severity;
import io.triagebot.probe.CollectorRunFile;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.HostName;
import io.triagebot.probe.RunLimits;
import io.triagebot.probe.TargetException;
import io.triagebot.triage.TriageOutcome;
import io.triagebot.triage.TriageService;
import io.triagebot.triage.TriageSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code triagebot triage HOST...}: triage hosts and print severity-first reports. */
@Command(name = "triage", mixinStandardHelpOptions = true,
        description = {"Triage hosts: read-only probes over SSH (or locally for 'local'), then a severity-first report.",
            "HOST is 'local' (this machine, no SSH) or a host name or alias from the SSH client config."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every host got a report",
            "1:internal error",
            "2:usage error (bad option, bad or unknown host name)",
            "3:at least one host unreachable (refused, timeout, auth, host key)",
            "4:configuration error (probe catalog, SSH config, thresholds)",
            "5:a host's severity reached --fail-on"},
        footer = "%nWhen several apply, the highest code wins.")
final class TriageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "HOST", description = "'local' or a host name / SSH alias")
    List<String> hosts;

    @Option(names = "--json", description = "print one JSON report per host, one per line (schema in README.md)")
    boolean json;

    @Option(names = "--window", paramLabel = "SECONDS", defaultValue = "1",
            description = "time between the two samples of every counter (0.1 to 60; default ${DEFAULT-VALUE})")
    double windowSeconds;

    @Option(names = "--deadline", paramLabel = "SECONDS", defaultValue = "10",
            description = "overall time limit per host, connection included; partial results after it "
                    + "(default ${DEFAULT-VALUE})")
    double deadlineSeconds;

    @Option(names = {"-F", "--ssh-config"}, paramLabel = "PATH",
            description = "OpenSSH client config file (default ~/.ssh/config; -F as in ssh)")
    Path sshConfig;

    @Option(names = "--fail-on", paramLabel = "SEVERITY",
            description = "exit with 5 when a host's severity is this or worse: ${COMPLETION-CANDIDATES}")
    Severity failOn;

    @Option(names = "--commands", paramLabel = "DIR",
            description = "probe catalog directory (default: the built-in copy of commands/)")
    Path commands;

    @Option(names = "--thresholds", paramLabel = "FILE",
            description = "site overrides for thresholds.yaml (only the values you change)")
    Path thresholdsFile;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "8",
            description = "hosts triaged at once (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--save-raw", paramLabel = "DIR",
            description = "also save each host's raw collector stream as DIR/HOST.run (a replayable fixture)")
    Path saveRaw;

    @Option(names = "--provenance", paramLabel = "KEY=VALUE",
            description = "extra header lines for --save-raw files, e.g. how a condition was induced")
    Map<String, String> provenance = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<HostName> targets = new ArrayList<>();
        for (String h : hosts) {
            String problem = HostName.problemWith(h);
            if (problem != null) {
                err.println("triagebot: " + problem);
                return ExitCodes.USAGE;
            }
            targets.add(new HostName(h));
        }
        CollectorSettings settings;
        try {
            settings = new CollectorSettings(seconds(windowSeconds), seconds(deadlineSeconds),
                    RunLimits.DEFAULT_MAX_OUTPUT_BYTES, saveRaw != null);
        } catch (IllegalArgumentException e) {
            err.println("triagebot: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (parallel < 1 || parallel > 64) {
            err.println("triagebot: --parallel must be between 1 and 64");
            return ExitCodes.USAGE;
        }
        TriageService service;
        try {
            service = TriageSetup.build(commands, thresholdsFile, sshConfig,
                    !targets.stream().allMatch(HostName::isLocal), settings);
        } catch (TriageSetup.SetupException e) {
            err.println("triagebot: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        int exit = ExitCodes.OK;
        ObjectMapper mapper = new ObjectMapper();
        ReportJson reportJson = new ReportJson(mapper);
        TerminalRenderer terminal = new TerminalRenderer(json ? Colour.NONE : Colour.forStdout());
        boolean first = true;
        for (TriageOutcome outcome : service.triageAll(targets, parallel)) {
            if (outcome instanceof TriageOutcome.Reported reported) {
                if (json) {
                    out.println(reportJson.toJson(reported.report()).toString());
                } else {
                    out.print((first ? "" : "\n") + terminal.render(reported.report()));
                }
                first = false;
                if (failOn != null && reported.report().severity().atLeast(failOn)) {
                    exit = Math.max(exit, ExitCodes.SEVERITY);
                }
                if (saveRaw != null && !saveRun(reported, err)) {
                    exit = Math.max(exit, ExitCodes.CONFIG);
                }
            } else if (outcome instanceof TriageOutcome.Failed failed) {
                err.println("triagebot: " + failed.message());
                if (json) {
                    ObjectNode o = mapper.createObjectNode();
                    o.put("host", failed.host());
                    o.putObject("error").put("kind", failed.kind().name()).put("message", failed.message());
                    out.println(o.toString());
                }
                exit = Math.max(exit, exitFor(failed.kind()));
            }
            out.flush();
        }
        return exit;
    }

    private boolean saveRun(TriageOutcome.Reported reported, PrintWriter err) {
        try {
            Files.createDirectories(saveRaw);
            Map<String, String> header = new LinkedHashMap<>();
            header.put("host", reported.host());
            header.put("kernel", String.valueOf(reported.report().kernel()));
            header.put("window-seconds", Double.toString(windowSeconds));
            header.putAll(provenance);
            CollectorRunFile.write(saveRaw.resolve(reported.host() + ".run"), reported.run(), header);
            return true;
        } catch (IOException e) {
            err.println("triagebot: cannot save raw output: " + e.getMessage());
            return false;
        }
    }

    private static int exitFor(TargetException.Kind kind) {
        return switch (kind) {
            case UNKNOWN_HOST -> ExitCodes.USAGE;
            case CONFIG -> ExitCodes.CONFIG;
            default -> ExitCodes.UNREACHABLE;
        };
    }

    private static Duration seconds(double s) {
        if (Double.isNaN(s) || s <= 0 || s > 3600) {
            throw new IllegalArgumentException("time values must be between 0 and 3600 seconds, got " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
