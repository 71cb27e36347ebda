package io.triagebot.runbook;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One approval-gated stabilisation action from {@code runbooks/}, as loaded and checked by
 * {@link RunbookCatalogLoader}. Templates ({@link #precondition()}, {@link #command()}, ...) are argv lists
 * whose elements may hold {@code {name}} placeholders; see {@link ResolvedAction} for how they run.
 *
 * @param id what detectors suggest and people ask for ({@code vm-swappiness})
 * @param title one line for the approval card
 * @param subsystem cpu, memory, io or network (the file it came from)
 * @param patterns the finding patterns it addresses
 * @param parameters in declaration order
 * @param sudo whether it needs root
 * @param precondition argv that must exit 0 before anything runs (the knob exists and is writable)
 * @param confirm a reading argv run as part of the precondition whose output must equal {@code confirmEquals}
 *     (the unit's ControlGroup is the cgroup the evidence named); empty for none
 * @param confirmEquals the template {@code confirm}'s output must equal, or null
 * @param capture how to read the value the rollback restores; empty for an irreversible runbook
 * @param command the change
 * @param input text fed to the command's standard input (for {@code tee FILE}), or null
 * @param rollback the undo, using {@code {previous}}; empty for an irreversible runbook
 * @param rollbackInput text fed to the rollback's standard input, or null
 * @param irreversible why there is no rollback, or null when there is one
 * @param persistence {@code runtime}, or how to make the change survive a reboot (it never does by itself)
 * @param risk low, medium or high
 * @param production whether and when it is safe on a production host
 * @param dependencies services and behaviour it affects
 * @param expect how verification tells it helped (may be empty: then only the read-back verifies)
 * @param settleSeconds time to wait before verifying
 * @param approvals how many people must approve
 * @param source {@code runbooks/memory.yaml:14}
 */
public record Runbook(String id, String title, String subsystem, List<String> patterns, List<ParameterSpec> parameters,
        boolean sudo, List<String> precondition, List<String> confirm, String confirmEquals, Optional<Capture> capture, List<String> command, String input,
        List<String> rollback, String rollbackInput, String irreversible, String persistence, Risk risk, String production,
        List<String> dependencies, List<Expectation> expect, int settleSeconds, int approvals, String source) {

    /**
     * How the previous value is read.
     *
     * @param argv the read-only command; its standard output has one line per restored parameter
     * @param restores the parameters whose previous values the lines are, in order
     * @param extract applied to each line (find, not match): the first group that matched is the value; or null
     *     for the whole line
     * @param convert applied after extract, or null
     */
    public record Capture(List<String> argv, List<String> restores, Pattern extract, CaptureConversion convert) {

        public Capture {
            argv = List.copyOf(argv);
            restores = List.copyOf(restores);
        }
    }

    public Runbook {
        patterns = List.copyOf(patterns);
        parameters = List.copyOf(parameters);
        precondition = List.copyOf(precondition);
        confirm = List.copyOf(confirm);
        command = List.copyOf(command);
        rollback = List.copyOf(rollback);
        dependencies = List.copyOf(dependencies);
        expect = List.copyOf(expect);
    }

    public Optional<ParameterSpec> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public List<String> parameterNames() {
        return parameters.stream().map(ParameterSpec::name).toList();
    }

    /** Whether the change can be undone (it has a capture and a rollback). */
    public boolean reversible() {
        return irreversible == null;
    }

    /** The expectation for a finding of {@code pattern}: the one naming it, else the general one. */
    public Optional<Expectation> expectationFor(String pattern) {
        return expect.stream().filter(e -> pattern != null && pattern.equals(e.pattern())).findFirst()
                .or(() -> expect.stream().filter(e -> e.pattern() == null).findFirst());
    }

    /** The four "Quality Checks" answers for a dry-run card, from this runbook's own declarations. */
    public QualityChecks qualityChecks() {
        return QualityChecks.of(this, null);
    }
}
