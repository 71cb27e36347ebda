package io.triagebot.probe;

/** Turns a validated host name into a runner for it. The SSH adapter is one; tests may add others. */
public interface TargetConnector {

    /**
     * Resolves {@code host} (an alias from the SSH client config, or a DNS name) and returns a runner.
     *
     * @throws TargetException of kind {@link TargetException.Kind#UNKNOWN_HOST} when the name neither
     *     matches the config nor resolves in DNS, or {@link TargetException.Kind#CONFIG} when the
     *     client configuration for it is unusable
     */
    ScriptRunner runnerFor(HostName host) throws TargetException;
}
