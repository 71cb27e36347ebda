package io.triagebot.cli;

import io.triagebot.ops.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar triagebot.jar <command>}. */
@Command(name = "triagebot", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Severity-first Linux kernel performance triage over SSH.",
        subcommands = {TriageCommand.class, ServeCommand.class, ExportCommand.class, ProfileCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every host got a report",
            "1:internal error",
            "2:usage error (bad option, bad host name)",
            "3:at least one host unreachable",
            "4:configuration error (probe catalog, SSH config, thresholds)",
            "5:a host's severity reached triage --fail-on"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; tests call this instead of main. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // Every command answers --version with the build, not only the top one.
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("triagebot: internal error: " + e);
            return ExitCodes.INTERNAL;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("triagebot: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The build's version and commit (see {@link BuildInfo}), and the Java running it, for bug reports. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"triagebot " + BuildInfo.current().describe(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }
    }
}
