package io.triagebot.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.Slf4jLogger;
import io.triagebot.probe.CollectorCommand;
import io.triagebot.probe.Dialogue;
import io.triagebot.probe.RunLimits;
import io.triagebot.probe.RunOutput;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.StdoutSink;
import io.triagebot.probe.TargetException;
import io.triagebot.probe.TargetException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs the collector on one host over SSH: one session per hop (jump hosts first), one exec
 * channel on the target running {@link CollectorCommand#SHELL_COMMAND}, the script on stdin.
 *
 * <p>Everything a run opens belongs to that run and is closed before {@link #run} returns, so one
 * runner may serve several runs, concurrently too. Nothing here touches JSch's static configuration.
 */
public final class SshScriptRunner implements ScriptRunner {

    /** Stateless; JSch logs through SLF4J as com.jcraft.jsch.JSch, and logback.xml decides what shows. */
    private static final Slf4jLogger JSCH_LOGGER = new Slf4jLogger();
    /** Once output has ended, the exit status and close follow within a round trip. */
    private static final long POLL_AFTER_EOF_MILLIS = 10;
    private static final long POLL_MILLIS = 200;

    private final String alias;
    private final List<SshHostConfig> route;
    private final Map<String, String> environment;

    /**
     * @param alias the host name as typed, prefixed to every error
     * @param route the hops in connection order: jump hosts first, the target last
     * @param environment where {@code SSH_AUTH_SOCK} (and {@code $VAR} IdentityAgent values) come from
     */
    SshScriptRunner(String alias, List<SshHostConfig> route, Map<String, String> environment) {
        if (route.isEmpty()) {
            throw new IllegalArgumentException("route must contain at least the target");
        }
        this.alias = Objects.requireNonNull(alias, "alias");
        this.route = List.copyOf(route);
        this.environment = Map.copyOf(environment);
    }

    /** The name this runner was created for. */
    public String alias() {
        return alias;
    }

    /** The hops in connection order; the last one is the target. */
    public List<SshHostConfig> route() {
        return route;
    }

    @Override
    public RunOutput run(String script, RunLimits limits) throws TargetException {
        Objects.requireNonNull(limits, "limits");
        return execute(script, limits, CollectorCommand.SHELL_COMMAND, null, new ExecOutput(limits.maxOutputBytes()));
    }

    @Override
    public RunOutput stream(String script, RunLimits limits, StdoutSink stdout) throws TargetException {
        Objects.requireNonNull(stdout, "stdout");
        ExecOutput output = new ExecOutput(limits.maxOutputBytes(), stdout);
        try {
            return execute(script, limits, CollectorCommand.SHELL_COMMAND, null, output);
        } finally {
            output.closeSink();
        }
    }

    /** A dialogue reads what the script printed so far: its output is kept, never streamed. */
    @Override
    public RunOutput run(String script, RunLimits limits, Dialogue dialogue) throws TargetException {
        Objects.requireNonNull(limits, "limits");
        return execute(script, limits, CollectorCommand.ACTION_COMMAND, Objects.requireNonNull(dialogue, "dialogue"),
                new ExecOutput(limits.maxOutputBytes()));
    }

    private RunOutput execute(String script, RunLimits limits, String command, Dialogue dialogue, ExecOutput output)
            throws TargetException {
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(limits, "limits");
        Deadline deadline = Deadline.after(limits.deadline());
        OpenSessions open = new OpenSessions();
        ChannelExec exec = null;
        OutputStream stdin = null;
        try (Watchdog watchdog = Watchdog.start(deadline, open::closeAll, "triagebot-ssh-deadline " + alias)) {
            Session target = connectRoute(open, deadline, watchdog, limits.deadline());
            try {
                exec = (ChannelExec) target.openChannel("exec");
                exec.setCommand(command);
                if (dialogue == null) {
                    exec.setInputStream(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
                } else {
                    stdin = exec.getOutputStream(); // stays open for the dialogue's answer
                }
                exec.setOutputStream(output.stdoutSink());
                exec.setErrStream(output.stderrSink());
                exec.connect(deadline.boundedMillis(limits.deadline()));
                if (stdin != null) {
                    stdin.write(script.getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                }
            } catch (IOException e) {
                throw new TargetException(Kind.TRANSPORT, alias, alias + ": connected, but could not send the"
                        + " script: " + SshFailures.oneLine(e.getMessage()), e);
            } catch (JSchException e) {
                if (watchdog.fired() || deadline.passed()) {
                    return new RunOutput(output.stdout(), -1, true, output.capped(), output.stderrTail());
                }
                throw new TargetException(Kind.TRANSPORT, alias, alias + ": connected, but could not start the"
                        + " collector: " + SshFailures.oneLine(e.getMessage()), e);
            }
            // From here on the read loop enforces the deadline itself; the watchdog would only race it.
            watchdog.disarm();
            return collect(exec, output, deadline, watchdog, new Answers(stdin, dialogue));
        } finally {
            if (exec != null) {
                stopRemote(exec);
            }
            open.closeAll();
        }
    }

    /**
     * Ends a collector that is still running (deadline or cap). Without a pty sshd does not kill the
     * command when the channel closes, and the script would go on probing a sick host until its next
     * write fails; the signal request (OpenSSH 7.9+) stops it now. Best effort: older servers ignore it.
     */
    private static void stopRemote(ChannelExec exec) {
        if (!exec.isClosed()) {
            try {
                exec.sendSignal("TERM");
            } catch (Exception e) {
                // the disconnect below is the fallback
            }
        }
        exec.disconnect();
    }

    /** The dialogue of a run, if any, and the standard input its one answer goes to. */
    private static final class Answers {
        private final OutputStream stdin;
        private final Dialogue dialogue;
        private boolean answered;

        Answers(OutputStream stdin, Dialogue dialogue) {
            this.stdin = stdin;
            this.dialogue = dialogue;
        }

        /** Asks the dialogue; sends its line (once); returns false when it says stop. */
        boolean proceed(ExecOutput output) {
            if (dialogue == null) {
                return true;
            }
            Dialogue.Reply reply = dialogue.heard(output.stdout());
            if (reply.stop()) {
                return false;
            }
            if (reply.line() != null && !answered) {
                answered = true;
                try {
                    stdin.write((reply.line() + "\n").getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                    stdin.close();
                } catch (IOException e) {
                    // the channel closed: the read loop sees it
                }
            }
            return true;
        }

        long pollMillis(long otherwise) {
            return dialogue == null ? otherwise : Math.min(otherwise, Dialogue.POLL_MILLIS);
        }
    }

    private RunOutput collect(ChannelExec exec, ExecOutput output, Deadline deadline, Watchdog watchdog,
            Answers answers) {
        boolean finished = false;
        boolean deadlineReached = false;
        while (true) {
            if (exec.isClosed()) {
                finished = !watchdog.fired();
                deadlineReached = watchdog.fired();
                break;
            }
            if (output.capped()) {
                break; // stop reading; the finally block disconnects, which ends the remote command
            }
            if (output.sinkComplete()) {
                // The script has said its last word; a process it left stuck may hold the output open for ever.
                finished = true;
                break;
            }
            if (deadline.passed() || !answers.proceed(output)) {
                deadlineReached = true;
                break;
            }
            try {
                output.await(Math.min(deadline.remainingMillis(),
                        output.stdoutEnded() ? POLL_AFTER_EOF_MILLIS : answers.pollMillis(POLL_MILLIS)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                deadlineReached = true; // asked to stop early: hand back what we have, flagged partial
                break;
            }
        }
        int exitCode = finished && exec.isClosed() ? exec.getExitStatus() : finished ? 0 : -1;
        return new RunOutput(output.stdout(), exitCode, deadlineReached, output.capped(), output.stderrTail());
    }

    /** Connects every hop in order, each through the previous one; returns the target's session. */
    private Session connectRoute(OpenSessions open, Deadline deadline, Watchdog watchdog, Duration runDeadline)
            throws TargetException {
        Session previous = null;
        SshHostConfig previousConfig = null;
        for (int i = 0; i < route.size(); i++) {
            SshHostConfig hop = route.get(i);
            boolean isTarget = i == route.size() - 1;
            SshFailures.Hop context = new SshFailures.Hop(alias, hop, previousConfig, isTarget, null, null);
            if (deadline.passed()) {
                throw SshFailures.connectFailed(new JSchException("deadline passed"), context, true, runDeadline);
            }
            JSch jsch = new JSch();
            jsch.setInstanceLogger(JSCH_LOGGER);
            HostKeyVerifier hostKeys = loadHostKeys(jsch, hop, context);
            OfferedIdentities identities = loadIdentities(jsch, hop, context);
            context = new SshFailures.Hop(alias, hop, previousConfig, isTarget, hostKeys, identities);
            Session session;
            JumpProxy proxy = null;
            try {
                session = jsch.getSession(hop.user(), hop.hostName(), hop.port());
            } catch (JSchException e) {
                throw new TargetException(Kind.CONFIG, alias, context.prefix() + "unusable host settings: "
                        + SshFailures.oneLine(e.getMessage()), e);
            }
            session.setHostKeyRepository(hostKeys);
            session.setIdentityRepository(identities);
            // JSch's own check stays at "yes": HostKeyVerifier already folded accept-new and no into
            // its verdict, so anything JSch still rejects must be refused.
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("HashKnownHosts", "no");
            session.setConfig("PreferredAuthentications", "publickey");
            session.setDaemonThread(true);
            if (previous == null) {
                session.setSocketFactory(new BoundedSocketFactory(hop.connectTimeout(), deadline, open));
            } else {
                proxy = new JumpProxy(previous);
                session.setProxy(proxy);
            }
            open.track(session);
            try {
                session.connect(deadline.boundedMillis(hop.connectTimeout()));
            } catch (JSchException e) {
                throw SshFailures.connectFailed(e, context, watchdog.fired(), runDeadline);
            }
            if (proxy != null) {
                proxy.handshakeDone();
            }
            previous = session;
            previousConfig = hop;
        }
        return previous;
    }

    private HostKeyVerifier loadHostKeys(JSch jsch, SshHostConfig hop, SshFailures.Hop context)
            throws TargetException {
        try {
            return HostKeyVerifier.load(jsch, hop.knownHostsFiles(), hop.strictHostKeyChecking());
        } catch (IOException | JSchException e) {
            throw new TargetException(Kind.CONFIG, alias, context.prefix() + "cannot read known_hosts "
                    + hop.knownHostsFiles() + ": " + SshFailures.oneLine(e.toString()), e);
        }
    }

    private OfferedIdentities loadIdentities(JSch jsch, SshHostConfig hop, SshFailures.Hop context)
            throws TargetException {
        try {
            return OfferedIdentities.load(jsch, hop, agentSocket(hop));
        } catch (OfferedIdentities.UnusableKeyException e) {
            throw new TargetException(Kind.CONFIG, alias, context.prefix() + e.getMessage(), e);
        }
    }

    /** The agent socket for a hop per its IdentityAgent, or null for none. */
    private String agentSocket(SshHostConfig hop) {
        String agent = hop.identityAgent();
        if (agent.equals(SshHostConfig.AGENT_NONE)) {
            return null;
        }
        if (agent.equals(SshHostConfig.AGENT_FROM_ENV)) {
            return environment.get("SSH_AUTH_SOCK");
        }
        if (agent.startsWith("$")) {
            return environment.get(agent.substring(1));
        }
        return agent;
    }

    @Override
    public String toString() {
        return "SshScriptRunner[" + alias + " via " + route.stream().map(SshHostConfig::endpoint).toList() + "]";
    }
}
