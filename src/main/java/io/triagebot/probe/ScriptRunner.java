package io.triagebot.probe;

/**
 * Runs the generated collector script on one target and hands back what it printed.
 *
 * <p>The collector core knows nothing of how a target is reached: the local machine runs the script
 * through {@code /bin/sh}, a remote one through a single SSH exec. Every implementation starts the
 * script with {@link CollectorCommand#SHELL_COMMAND} and feeds the script on standard input.
 */
public interface ScriptRunner {

    /**
     * Runs {@code script} and returns its output.
     *
     * <p>Never blocks past {@link RunLimits#deadline()}: when the deadline passes, the runner stops
     * reading, ends the remote or local process, and returns what arrived so far with
     * {@link RunOutput#deadlineReached()} set. Output past {@link RunLimits#maxOutputBytes()} is
     * discarded and flagged with {@link RunOutput#outputCapped()}.
     *
     * @throws TargetException when the target cannot be reached at all (DNS, refused, timeout,
     *     authentication, host key); partial output is never an exception
     */
    RunOutput run(String script, RunLimits limits) throws TargetException;

    /**
     * Runs {@code script} like {@link #run}, but hands standard output to {@code stdout} as it arrives
     * instead of keeping it: the returned {@link RunOutput#stdout()} is empty. {@link RunLimits#maxOutputBytes()}
     * bounds how much is read; past it the run is stopped and flagged {@link RunOutput#outputCapped()}.
     * Nothing reaches {@code stdout} once this returns.
     */
    default RunOutput stream(String script, RunLimits limits, StdoutSink stdout) throws TargetException {
        RunOutput out = run(script, limits);
        stdout.write(out.stdout(), 0, out.stdout().length);
        return new RunOutput(new byte[0], out.exitCode(), out.deadlineReached(), out.outputCapped(), out.stderr());
    }

    /**
     * Runs {@code script} with {@code sh -s} at normal priority (an action, not a probe), keeping its standard
     * input open for what {@code dialogue} replies. A {@link Dialogue.Reply#STOP} ends the run as the deadline
     * does: partial output, {@link RunOutput#deadlineReached()} set.
     */
    default RunOutput run(String script, RunLimits limits, Dialogue dialogue) throws TargetException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot hold a dialogue");
    }
}
