package io.triagebot.probe;

/**
 * A target could not be triaged at all. The message is one line a person on call can act on,
 * for example {@code "db-3: connection refused by 10.0.0.7:22 (is sshd running? is the port right?)"}.
 */
public class TargetException extends Exception {

    /** Why the target could not be reached; drives the exit code and the advice shown. */
    public enum Kind {
        /** The name is not a valid host name or alias, or does not resolve through SSH config or DNS. */
        UNKNOWN_HOST,
        /** TCP connection refused. */
        CONNECTION_REFUSED,
        /** No answer within the connect timeout. */
        CONNECT_TIMEOUT,
        /** The server rejected every key or method offered. */
        AUTH_FAILED,
        /** The host key is not in known_hosts and strict checking is on. */
        HOST_KEY_UNKNOWN,
        /** The host key differs from the one in known_hosts: possible man-in-the-middle. */
        HOST_KEY_CHANGED,
        /** The SSH client configuration (config file, key file, known_hosts) is unusable. */
        CONFIG,
        /** Any other transport failure (connection reset, protocol error, local shell missing). */
        TRANSPORT
    }

    private final Kind kind;
    private final String target;

    public TargetException(Kind kind, String target, String message) {
        super(message);
        this.kind = kind;
        this.target = target;
    }

    public TargetException(Kind kind, String target, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.target = target;
    }

    public Kind kind() {
        return kind;
    }

    public String target() {
        return target;
    }
}
