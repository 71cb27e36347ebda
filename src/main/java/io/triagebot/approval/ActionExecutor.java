package io.triagebot.approval;

import io.triagebot.probe.Dialogue;
import io.triagebot.probe.RunLimits;
import io.triagebot.probe.RunOutput;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.TargetException;
import io.triagebot.runbook.ActionScript;
import io.triagebot.runbook.InvalidParametersException;
import io.triagebot.runbook.ParameterType;
import io.triagebot.runbook.Privilege;
import io.triagebot.runbook.RenderedAction;
import io.triagebot.runbook.RenderedScript;
import io.triagebot.runbook.ResolvedAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Runs an approved runbook on its host in the only safe order, over one login: precondition (must pass),
 * capture of the current value (which must be restorable, and is handed to {@link Hooks#captured} to be
 * stored before anything changes), the command, and a read-back to see whether the change took. Each step
 * is bounded by the step timeout; every process the action names is re-checked against its bound start
 * time before each step.
 */
public final class ActionExecutor {

    /** Output kept per run: enough for an error message, never a flood into Slack or the database. */
    static final int MAX_OUTPUT = 64 * 1024;
    /** Connecting and starting the shell, on top of the steps' own timeouts. */
    private static final Duration CONNECT_ALLOWANCE = Duration.ofSeconds(15);
    private static final SecureRandom RANDOM = new SecureRandom();

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

    public Duration stepTimeout() {
        return stepTimeout;
    }

    /** What happens between the capture and the command. */
    @FunctionalInterface
    public interface Hooks {
        /**
         * The capture read {@code previous} (null for a runbook that captures nothing). Returns true to let
         * the command start; false stops the run with nothing changed.
         */
        boolean captured(String previous);

        /** True once the bot is stopping: the run ends as soon as the command has (the read-back is skipped). */
        default boolean stopping() {
            return false;
        }

        Hooks NONE = previous -> true;
    }

    /**
     * What an execution did.
     *
     * @param preconditionMet false when nothing was changed (precondition, capture, a moved pid, a refusal)
     * @param previous the captured value before the change (the rollback value), or null
     * @param exitCode the command's exit status; -1 when it did not run or did not finish
     * @param applied the read-back shows the new value (false when unknown)
     * @param state EXECUTED, FAILED or TIMED_OUT (the command outlived its timeout: it may have taken effect)
     * @param step the last step reached (precondition, capture, command, read-back, rollback), or null
     */
    public record Execution(boolean preconditionMet, String previous, int exitCode, String output, boolean applied,
            String command, ActionState state, String step) {

        public Execution(boolean preconditionMet, String previous, int exitCode, String output, boolean applied,
                String command) {
            this(preconditionMet, previous, exitCode, output, applied, command,
                    preconditionMet && exitCode == 0 ? ActionState.EXECUTED : ActionState.FAILED, null);
        }

        public boolean succeeded() {
            return state == ActionState.EXECUTED && preconditionMet && exitCode == 0;
        }

        /** The command may have changed the host although it did not succeed. */
        public boolean mayHaveTakenEffect() {
            return !succeeded() && (ActionScript.COMMAND.equals(step) || ActionScript.ROLLBACK.equals(step)
                    || ActionScript.READ_BACK.equals(step));
        }
    }

    public Execution execute(ScriptRunner runner, ResolvedAction action) throws TargetException {
        return execute(runner, action, Map.of(), Hooks.NONE);
    }

    /**
     * Runs the action.
     *
     * @param bindings process parameters to the start times bound at proposal
     */
    public Execution execute(ScriptRunner runner, ResolvedAction action, Map<String, Long> bindings, Hooks hooks)
            throws TargetException {
        RenderedAction rendered = action.render(privilege);
        ActionScript script = ActionScript.forAction(action.id(), rendered, bindingsOf(action, bindings), nonce());
        ActionDialogue dialogue = new ActionDialogue(script, stepTimeout, hooks::stopping, captured -> {
            String previous = rendered.capture().isPresent() ? captured : null;
            if (previous != null) {
                try {
                    action.rollbackWith(previous); // refuse to change anything we could not put back
                } catch (InvalidParametersException e) {
                    return "not changed: the current value cannot be restored later: " + e.getMessage();
                }
            }
            return hooks.captured(previous) ? null
                    : "not changed: the captured value could not be stored, or the action is no longer this bot's to run";
        });
        RunOutput out = runner.run(script.script(), limits(4), dialogue);
        return outcome(action, rendered, script, out, dialogue);
    }

    private Execution outcome(ResolvedAction action, RenderedAction rendered, ActionScript script, RunOutput out,
            ActionDialogue dialogue) {
        ActionScript.Transcript t = script.read(new String(out.stdout(), StandardCharsets.UTF_8));
        String stderr = out.stderr() == null ? "" : out.stderr();
        String human = rendered.humanCommand();
        String steps = summary(t, dialogue.timedOut());
        ActionScript.StepResult command = t.step(ActionScript.COMMAND).orElse(null);
        String previous = t.step(ActionScript.CAPTURE).map(ActionScript.StepResult::stdout).orElse(null);
        if (command == null) {
            String why = t.moved() != null ? t.moved()
                    : dialogue.refusal() != null ? dialogue.refusal()
                    : failedBefore(t, script, stderr, rendered, dialogue.timedOut(), out);
            return new Execution(false, dialogue.sent() ? previous : null, -1, why + "\n" + steps, false, human,
                    ActionState.FAILED, t.last() == null ? null : t.last().name());
        }
        if (command.exit() == null) {
            boolean timedOut = dialogue.timedOut() != null || out.deadlineReached();
            String text = text(command, script.stderrOf(stderr, ActionScript.COMMAND));
            return new Execution(true, previous, -1, (timedOut ? "the command did not finish within "
                    + stepTimeout.toSeconds() + " s and was stopped: it may have taken effect"
                    : "the connection ended while the command ran: it may have taken effect")
                    + (text.isEmpty() ? "" : ": " + text) + "\n" + steps, false, human,
                    timedOut ? ActionState.TIMED_OUT : ActionState.FAILED, ActionScript.COMMAND);
        }
        String text = text(command, script.stderrOf(stderr, ActionScript.COMMAND));
        if (command.exit() != 0) {
            return new Execution(true, previous, command.exit(), (text.isEmpty() ? "" : text + "\n") + steps, false,
                    human, ActionState.FAILED, ActionScript.COMMAND);
        }
        ActionScript.StepResult readBack = t.step(ActionScript.READ_BACK).orElse(null);
        boolean applied = false;
        if (readBack != null && readBack.exit() != null && readBack.exit() == 0) {
            try {
                applied = action.applied(readBack.stdout());
            } catch (InvalidParametersException e) {
                applied = false;
            }
        }
        String note = t.moved() != null ? "\n" + t.moved() : "";
        return new Execution(true, previous, 0, (text.isEmpty() ? "" : text + "\n") + steps + note, applied, human,
                ActionState.EXECUTED, readBack == null ? ActionScript.COMMAND : ActionScript.READ_BACK);
    }

    private String failedBefore(ActionScript.Transcript t, ActionScript script, String stderr, RenderedAction rendered,
            String timedOut, RunOutput out) {
        ActionScript.StepResult last = t.last();
        if (last == null) {
            return "the host ran no step" + (out.deadlineReached() ? " before the deadline" : "")
                    + (stderr.isBlank() ? "" : ": " + stderr.strip());
        }
        String text = text(last, script.stderrOf(stderr, last.name()));
        String human = last.name().equals(ActionScript.PRECONDITION) ? rendered.precondition().human()
                : rendered.capture().map(RenderedScript::human).orElse(last.name());
        if (last.name().equals(ActionScript.PRECONDITION)) {
            return "precondition failed (" + human + "): " + (timedOut != null ? "timed out; " : "") + text;
        }
        if (last.exit() != null && last.exit() == 0) {
            return "stopped before the command: nothing was changed";
        }
        return "cannot read the current value (" + human + "): " + (timedOut != null ? "timed out; " : "") + text;
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
        return preview(runner, action, Map.of());
    }

    /** A dry run: the script of {@link #execute} stopped at the pause before the command, over one login. */
    public Preview preview(ScriptRunner runner, ResolvedAction action, Map<String, Long> bindings)
            throws TargetException {
        RenderedAction rendered = action.render(privilege);
        ActionScript script = ActionScript.forAction(action.id(), rendered, bindingsOf(action, bindings), nonce());
        ActionDialogue dialogue = new ActionDialogue(script, stepTimeout, () -> false, captured -> "dry run");
        RunOutput out = runner.run(script.script(), limits(2), dialogue);
        ActionScript.Transcript t = script.read(new String(out.stdout(), StandardCharsets.UTF_8));
        String stderr = out.stderr() == null ? "" : out.stderr();
        if (t.moved() != null) {
            return new Preview(null, t.moved(), "none: the process is not the one the card named");
        }
        ActionScript.StepResult pre = t.step(ActionScript.PRECONDITION).orElse(null);
        String problem = pre != null && pre.exit() != null && pre.exit() == 0 ? null
                : "precondition fails (" + rendered.precondition().human() + "): "
                        + (pre == null ? stderr.strip() : text(pre, script.stderrOf(stderr, ActionScript.PRECONDITION)));
        if (rendered.capture().isEmpty()) {
            return new Preview(null, problem, "none: " + action.runbook().irreversible());
        }
        ActionScript.StepResult capture = t.step(ActionScript.CAPTURE).orElse(null);
        if (capture == null || capture.exit() == null || capture.exit() != 0) {
            return new Preview(null, problem != null ? problem : "cannot read the current value ("
                    + rendered.capture().get().human() + "): " + (capture == null ? stderr.strip()
                    : text(capture, script.stderrOf(stderr, ActionScript.CAPTURE))), "unknown until the value can be read");
        }
        try {
            return new Preview(capture.stdout().strip(), problem, action.rollbackWith(capture.stdout(), privilege).human());
        } catch (InvalidParametersException e) {
            return new Preview(capture.stdout().strip(), problem != null ? problem
                    : "would not run: the current value cannot be restored later: " + e.getMessage(), "none");
        }
    }

    public Execution rollback(ScriptRunner runner, ResolvedAction action, String previous) throws TargetException {
        return rollback(runner, action, previous, Map.of());
    }

    /** Puts back {@code previous}; returns the rollback's own execution (previous is what it restored). */
    public Execution rollback(ScriptRunner runner, ResolvedAction action, String previous, Map<String, Long> bindings)
            throws TargetException {
        RenderedScript rollback;
        try {
            rollback = action.rollbackWith(previous, privilege);
        } catch (InvalidParametersException e) {
            return new Execution(false, previous, -1, "cannot roll back: " + e.getMessage(), false, "(rollback)");
        }
        RenderedAction rendered = action.render(privilege);
        ActionScript script = ActionScript.forRollback(action.id(), rollback, rendered.capture(),
                bindingsOf(action, bindings), nonce());
        ActionDialogue dialogue = new ActionDialogue(script, stepTimeout, () -> false, captured -> null);
        RunOutput out = runner.run(script.script(), limits(2), dialogue);
        ActionScript.Transcript t = script.read(new String(out.stdout(), StandardCharsets.UTF_8));
        String stderr = out.stderr() == null ? "" : out.stderr();
        String steps = summary(t, dialogue.timedOut());
        ActionScript.StepResult step = t.step(ActionScript.ROLLBACK).orElse(null);
        if (step == null) {
            String why = t.moved() != null ? t.moved() : "the host ran no step" + (stderr.isBlank() ? "" : ": "
                    + stderr.strip());
            return new Execution(false, previous, -1, why + "\n" + steps, false, rollback.human(), ActionState.FAILED,
                    null);
        }
        String text = text(step, script.stderrOf(stderr, ActionScript.ROLLBACK));
        if (step.exit() == null) {
            boolean timedOut = dialogue.timedOut() != null || out.deadlineReached();
            return new Execution(true, previous, -1, (timedOut ? "the rollback did not finish within "
                    + stepTimeout.toSeconds() + " s and was stopped: it may have taken effect"
                    : "the connection ended while the rollback ran: it may have taken effect")
                    + (text.isEmpty() ? "" : ": " + text) + "\n" + steps, false, rollback.human(),
                    timedOut ? ActionState.TIMED_OUT : ActionState.FAILED, ActionScript.ROLLBACK);
        }
        boolean restored = false;
        ActionScript.StepResult after = t.step(ActionScript.READ_BACK).orElse(null);
        if (step.exit() == 0 && after != null && after.exit() != null && after.exit() == 0) {
            try {
                restored = action.restored(previous, after.stdout());
            } catch (InvalidParametersException e) {
                restored = false;
            }
        }
        return new Execution(true, previous, step.exit(), (text.isEmpty() ? "" : text + "\n") + steps, restored,
                rollback.human(), step.exit() == 0 ? ActionState.EXECUTED : ActionState.FAILED,
                after == null ? ActionScript.ROLLBACK : ActionScript.READ_BACK);
    }

    /** The process parameters of {@code action} paired with their bound start times. */
    static List<ActionScript.Binding> bindingsOf(ResolvedAction action, Map<String, Long> bindings) {
        List<ActionScript.Binding> out = new ArrayList<>();
        action.runbook().parameters().stream().filter(p -> p.type() == ParameterType.PID).forEach(p -> {
            Long start = bindings.get(p.name());
            if (start != null) {
                out.add(new ActionScript.Binding(action.values().get(p.name()), start));
            }
        });
        return out;
    }

    private RunLimits limits(int steps) {
        return new RunLimits(stepTimeout.multipliedBy(steps).plus(CONNECT_ALLOWANCE), MAX_OUTPUT);
    }

    private static String summary(ActionScript.Transcript t, String timedOut) {
        StringBuilder s = new StringBuilder("steps:");
        for (ActionScript.StepResult r : t.steps()) {
            s.append(' ').append(r.name()).append(r.exit() != null ? " exit " + r.exit()
                    : r.name().equals(timedOut) ? " timed out" : " did not finish").append(';');
        }
        if (t.steps().isEmpty()) {
            s.append(" none;");
        }
        return s.substring(0, s.length() - 1);
    }

    private static String text(ActionScript.StepResult r, String stderr) {
        String stdout = r.stdout().strip();
        return (stdout + (stderr.isEmpty() ? "" : (stdout.isEmpty() ? "" : "\n") + stderr)).strip();
    }

    private static String nonce() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The bot's side of the script: answers the pause after the capture (go, or stop with a reason) and
     * stops the run when one step outlives the step timeout.
     */
    private static final class ActionDialogue implements Dialogue {

        /** Decides at the pause: null to go on, else why not. */
        interface Gate {
            String decide(String captured);
        }

        private final ActionScript script;
        private final long stepNanos;
        private final Gate gate;
        private final java.util.function.BooleanSupplier stopping;
        private String current;
        private long since;
        private String timedOut;
        private String refusal;
        private boolean decided;
        private boolean sent;

        ActionDialogue(ActionScript script, Duration stepTimeout, java.util.function.BooleanSupplier stopping,
                Gate gate) {
            this.script = script;
            this.stopping = stopping;
            this.stepNanos = stepTimeout.toNanos();
            this.gate = gate;
        }

        @Override
        public Reply heard(byte[] stdoutSoFar) {
            ActionScript.Transcript t = script.read(new String(stdoutSoFar, StandardCharsets.UTF_8));
            if (t.awaiting() && !decided) {
                decided = true;
                String captured = t.step(ActionScript.CAPTURE).map(ActionScript.StepResult::stdout).orElse(null);
                refusal = gate.decide(captured);
                if (refusal != null) {
                    return Reply.STOP;
                }
                sent = true;
                return Reply.send(script.goLine());
            }
            if (t.step(ActionScript.COMMAND).map(c -> c.exit() != null).orElse(false) && stopping.getAsBoolean()) {
                return Reply.STOP; // the command ended; a stopping bot records that now rather than wait to read back
            }
            ActionScript.StepResult last = t.last();
            long now = System.nanoTime();
            if (last == null || last.exit() != null) {
                current = null;
                return Reply.WAIT;
            }
            if (!last.name().equals(current)) {
                current = last.name();
                since = now;
            } else if (now - since > stepNanos) {
                timedOut = current;
                return Reply.STOP;
            }
            return Reply.WAIT;
        }

        String timedOut() {
            return timedOut;
        }

        String refusal() {
            return refusal;
        }

        boolean sent() {
            return sent;
        }
    }
}
