package io.triagebot.approval;

import io.triagebot.probe.RunLimits;
import io.triagebot.probe.RunOutput;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.TargetException;
import io.triagebot.runbook.InvalidParametersException;
import io.triagebot.runbook.Privilege;
import io.triagebot.runbook.RenderedAction;
import io.triagebot.runbook.RenderedScript;
import io.triagebot.runbook.ResolvedAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs an approved runbook on its host, in the only safe order: precondition (must pass), capture of the
 * current value (which must be restorable before anything changes), the command, and a second capture to
 * see whether the change took. Each step is bounded in time and output.
 */
public final class ActionExecutor {

    /** Output kept per step: enough for an error message, never a flood into Slack or the database. */
    static final int MAX_OUTPUT = 8 * 1024;

    private final Duration stepTimeout;
    private final Privilege privilege;

    public ActionExecutor(Duration stepTimeout) {
        this(stepTimeout, Privilege.AS_IS);
    }

    /** @param privilege SUDO when the login user is not root: privileged steps run through {@code sudo -n} */
    public ActionExecutor(Duration stepTimeout, Privilege privilege) {
        this.stepTimeout = stepTimeout;
        this.privilege = privilege;
    }

    /** How privileged steps run: what the cards show is what runs. */
    public Privilege privilege() {
        return privilege;
    }

    /**
     * What an execution did.
     *
     * @param preconditionMet false when the host refused the precondition: nothing was changed
     * @param previous the captured value before the change (the rollback value), or null
     * @param exitCode the command's exit status; -1 when it did not run or did not finish
     * @param applied the second capture shows the new value (false when unknown)
     */
    public record Execution(boolean preconditionMet, String previous, int exitCode, String output, boolean applied,
            String command) {

        public boolean succeeded() {
            return preconditionMet && exitCode == 0;
        }
    }

    public Execution execute(ScriptRunner runner, ResolvedAction action) throws TargetException {
        RenderedAction rendered = action.render(privilege);
        Step pre = run(runner, rendered.precondition());
        if (pre.exit() != 0) {
            return new Execution(false, null, -1, "precondition failed (" + rendered.precondition().human() + "): "
                    + pre.text(), false, rendered.humanCommand());
        }
        String previous = null;
        if (rendered.capture().isPresent()) {
            Step capture = run(runner, rendered.capture().get());
            if (capture.exit() != 0) {
                return new Execution(false, null, -1, "cannot read the current value ("
                        + rendered.capture().get().human() + "): " + capture.text(), false, rendered.humanCommand());
            }
            previous = capture.stdout();
            try {
                // Refuse to change anything we could not put back.
                action.rollbackWith(previous);
            } catch (InvalidParametersException e) {
                return new Execution(false, previous, -1, "not changed: the current value cannot be restored later: "
                        + e.getMessage(), false, rendered.humanCommand());
            }
        }
        Step command = run(runner, rendered.command());
        boolean applied = false;
        if (command.exit() == 0 && rendered.capture().isPresent()) {
            Step after = run(runner, rendered.capture().get());
            try {
                applied = after.exit() == 0 && action.applied(after.stdout());
            } catch (InvalidParametersException e) {
                applied = false;
            }
        }
        return new Execution(true, previous, command.exit(), command.text(), applied, rendered.humanCommand());
    }

    /**
     * What {@link #execute} would find, without changing anything: the precondition and the capture run
     * (read-only), never the command.
     *
     * @param current the value the capture reads now, or null
     * @param problem why execution would stop now, or null when it would go ahead
     * @param rollback the rollback with the current value, or why there is none
     */
    public record Preview(String current, String problem, String rollback) {
    }

    public Preview preview(ScriptRunner runner, ResolvedAction action) throws TargetException {
        RenderedAction rendered = action.render(privilege);
        Step pre = run(runner, rendered.precondition());
        String problem = pre.exit() == 0 ? null
                : "precondition fails (" + rendered.precondition().human() + "): " + pre.text();
        if (rendered.capture().isEmpty()) {
            return new Preview(null, problem, "none: " + action.runbook().irreversible());
        }
        Step capture = run(runner, rendered.capture().get());
        if (capture.exit() != 0) {
            return new Preview(null, problem != null ? problem : "cannot read the current value ("
                    + rendered.capture().get().human() + "): " + capture.text(), "unknown until the value can be read");
        }
        try {
            return new Preview(capture.stdout().strip(), problem, action.rollbackWith(capture.stdout(), privilege).human());
        } catch (InvalidParametersException e) {
            return new Preview(capture.stdout().strip(), problem != null ? problem
                    : "would not run: the current value cannot be restored later: " + e.getMessage(), "none");
        }
    }

    /** Puts back {@code previous}; returns the rollback's own execution (previous is what it restored). */
    public Execution rollback(ScriptRunner runner, ResolvedAction action, String previous) throws TargetException {
        RenderedScript script;
        try {
            script = action.rollbackWith(previous, privilege);
        } catch (InvalidParametersException e) {
            return new Execution(false, previous, -1, "cannot roll back: " + e.getMessage(), false, "(rollback)");
        }
        Step step = run(runner, script);
        boolean restored = false;
        if (step.exit() == 0 && action.render(privilege).capture().isPresent()) {
            Step after = run(runner, action.render(privilege).capture().get());
            try {
                restored = after.exit() == 0 && action.restored(previous, after.stdout());
            } catch (InvalidParametersException e) {
                restored = false;
            }
        }
        return new Execution(true, previous, step.exit(), step.text(), restored, script.human());
    }

    /** One step's result: its output (a captured value) apart from its complaints. */
    private record Step(int exit, String stdout, String stderr) {
        String text() {
            return (stdout + (stderr.isEmpty() ? "" : (stdout.isEmpty() ? "" : "\n") + stderr)).strip();
        }
    }

    private Step run(ScriptRunner runner, RenderedScript script) throws TargetException {
        RunOutput out = runner.run(script.script(), new RunLimits(stepTimeout, MAX_OUTPUT));
        String stdout = new String(out.stdout(), StandardCharsets.UTF_8);
        String stderr = out.stderr() == null ? "" : out.stderr().strip();
        if (out.deadlineReached()) {
            return new Step(-1, stdout, (stderr + " (timed out after " + stepTimeout.toSeconds() + " s)").strip());
        }
        return new Step(out.exitCode(), stdout, stderr);
    }
}
