package io.triagebot.ssh;

import com.jcraft.jsch.JSchAlgoNegoFailException;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchRevokedHostKeyException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import io.triagebot.probe.TargetException;
import io.triagebot.probe.TargetException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Turns what JSch throws into one actionable line with the right {@link Kind}. JSch reports most
 * failures as a bare {@link JSchException} with a terse message and the real cause attached, so the
 * cause chain is inspected first and message text only as a last resort.
 */
final class SshFailures {

    private static final int MAX_DETAIL = 300;

    /** What the message needs to know about the hop that failed. */
    record Hop(String typedAlias, SshHostConfig config, SshHostConfig via, boolean isTarget,
            HostKeyVerifier hostKeys, OfferedIdentities identities) {

        String prefix() {
            return typedAlias + ": " + (isTarget ? "" : "jump host " + config.alias() + ": ");
        }
    }

    private SshFailures() {
    }

    static TargetException connectFailed(JSchException e, Hop hop, boolean deadlineExpired, Duration runDeadline) {
        String p = hop.prefix();
        SshHostConfig c = hop.config();
        String alias = hop.typedAlias();
        long timeoutSeconds = Math.max(1, c.connectTimeout().toSeconds());
        if (deadlineExpired) {
            return new TargetException(Kind.CONNECT_TIMEOUT, alias, p + "could not connect and log in to "
                    + c.endpoint() + " within the run deadline (" + seconds(runDeadline) + ")", e);
        }
        if (e instanceof JSchChangedHostKeyException) {
            return new TargetException(Kind.HOST_KEY_CHANGED, alias, p + "REMOTE HOST KEY HAS CHANGED for "
                    + presentedHost(hop) + presentedKey(hop) + "! Someone could be eavesdropping"
                    + " (man-in-the-middle), or the host was reinstalled. Refusing to connect."
                    + " Verify the new key out of band, then update " + files(hop) + ".", e);
        }
        if (e instanceof JSchRevokedHostKeyException) {
            return new TargetException(Kind.HOST_KEY_CHANGED, alias, p + "host key for " + presentedHost(hop)
                    + presentedKey(hop) + " is marked @revoked in " + files(hop) + "! Someone may be"
                    + " impersonating the host with a stolen key. Refusing to connect.", e);
        }
        if (e instanceof JSchUnknownHostKeyException) {
            List<Path> known = hop.hostKeys() == null ? List.of() : hop.hostKeys().files();
            String target = known.isEmpty() ? "a known_hosts file (UserKnownHostsFile is none)"
                    : known.get(0).toString();
            String keyscan = "ssh-keyscan " + (c.port() == 22 ? "" : "-p " + c.port() + " ") + c.hostName()
                    + " >> " + (known.isEmpty() ? "~/.ssh/known_hosts" : known.get(0));
            return new TargetException(Kind.HOST_KEY_UNKNOWN, alias, p + "host key for " + presentedHost(hop)
                    + presentedKey(hop) + " is not in " + target + " and StrictHostKeyChecking is yes."
                    + " Verify the fingerprint out of band, then add it: " + keyscan
                    + " (or set StrictHostKeyChecking accept-new for this host)", e);
        }
        if (e instanceof JumpProxy.JumpChannelException jump) {
            return jumpFailed(jump, hop);
        }
        if (isAuthMessage(e)) {
            String offered = hop.identities() == null ? "no keys" : hop.identities().describe();
            return new TargetException(Kind.AUTH_FAILED, alias, p + "authentication failed for " + c.user() + "@"
                    + c.endpoint() + " (publickey only; " + offered + "). Is the public key in "
                    + c.user() + "'s authorized_keys on " + c.alias() + "?", e);
        }
        Throwable cause = rootCause(e);
        if (cause instanceof BoundedDns.DnsTimeoutException) {
            return new TargetException(Kind.UNKNOWN_HOST, alias, p + "cannot resolve '" + c.hostName()
                    + "': no DNS answer in time (is DNS reachable?)", e);
        }
        if (cause instanceof UnknownHostException) {
            return new TargetException(Kind.UNKNOWN_HOST, alias, p + "cannot resolve '" + c.hostName()
                    + "' (not in DNS or /etc/hosts)", e);
        }
        if (cause instanceof BoundedSocketFactory.TcpConnectTimeoutException) {
            return new TargetException(Kind.CONNECT_TIMEOUT, alias, p + "no answer from " + c.endpoint()
                    + " within " + timeoutSeconds + " s (host down, firewalled, or wrong address?)", e);
        }
        if (cause instanceof SocketTimeoutException) {
            return new TargetException(Kind.CONNECT_TIMEOUT, alias, p + c.endpoint() + " accepted the connection"
                    + " but did not complete the SSH handshake within " + timeoutSeconds
                    + " s (not an SSH server? sshd overloaded?)", e);
        }
        if (cause instanceof NoRouteToHostException) {
            return new TargetException(Kind.TRANSPORT, alias, p + "no route to " + c.endpoint()
                    + " (host down or network unreachable)", e);
        }
        if (cause instanceof ConnectException && String.valueOf(cause.getMessage()).contains("refused")) {
            return new TargetException(Kind.CONNECTION_REFUSED, alias, p + "connection refused by " + c.endpoint()
                    + " (is sshd running? is the port right?)", e);
        }
        if (e instanceof JSchAlgoNegoFailException) {
            return new TargetException(Kind.TRANSPORT, alias, p + "no SSH algorithm in common with "
                    + c.endpoint() + ": " + oneLine(e.getMessage()), e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("connection is closed by foreign host")) {
            return new TargetException(Kind.TRANSPORT, alias, p + c.endpoint() + " closed the connection during"
                    + " the SSH handshake (not an SSH server? MaxStartups reached? blocked by TCP wrappers?)", e);
        }
        if (message.contains("invalid server's version string")) {
            return new TargetException(Kind.TRANSPORT, alias, p + c.endpoint()
                    + " does not speak SSH-2 (bad greeting)", e);
        }
        return new TargetException(Kind.TRANSPORT, alias, p + "SSH connection to " + c.endpoint() + " failed: "
                + oneLine(describe(e)), e);
    }

    private static TargetException jumpFailed(JumpProxy.JumpChannelException e, Hop hop) {
        String alias = hop.typedAlias();
        SshHostConfig c = hop.config();
        String via = hop.via() == null ? "?" : hop.via().alias();
        String p = alias + ": ";
        String cause = String.valueOf(e.getCause() == null ? null : e.getCause().getMessage());
        if (cause.contains("session is down")) {
            return new TargetException(Kind.TRANSPORT, alias, p + "connection to jump host " + via
                    + " dropped before it could forward to " + c.endpoint(), e);
        }
        return switch (e.reasonCode()) {
            case JumpProxy.ADMINISTRATIVELY_PROHIBITED -> new TargetException(Kind.TRANSPORT, alias, p
                    + "jump host " + via + " refused to forward to " + c.endpoint()
                    + " (administratively prohibited: is AllowTcpForwarding off there?)", e);
            case JumpProxy.CONNECT_FAILED -> new TargetException(Kind.CONNECTION_REFUSED, alias, p
                    + "jump host " + via + " could not connect to " + c.endpoint()
                    + " (refused, unreachable, or unknown name as seen from " + via + ")", e);
            case -1 -> new TargetException(Kind.CONNECT_TIMEOUT, alias, p + "jump host " + via
                    + " did not open a connection to " + c.endpoint() + " within "
                    + Math.max(1, c.connectTimeout().toSeconds()) + " s", e);
            default -> new TargetException(Kind.TRANSPORT, alias, p + "jump host " + via
                    + " could not forward to " + c.endpoint() + " (channel open failure, reason "
                    + e.reasonCode() + ")", e);
        };
    }

    private static boolean isAuthMessage(JSchException e) {
        String m = String.valueOf(e.getMessage());
        return m.startsWith("Auth fail") || m.startsWith("Auth cancel") || m.startsWith("USERAUTH fail");
    }

    private static String presentedHost(Hop hop) {
        HostKeyVerifier.Presented presented = hop.hostKeys() == null ? null : hop.hostKeys().presented();
        if (presented != null) {
            return presented.host();
        }
        SshHostConfig c = hop.config();
        return c.port() == 22 ? c.hostName() : "[" + c.hostName() + "]:" + c.port();
    }

    private static String presentedKey(Hop hop) {
        HostKeyVerifier.Presented presented = hop.hostKeys() == null ? null : hop.hostKeys().presented();
        return presented == null ? "" : " (" + presented.keyType() + " " + presented.fingerprint() + ")";
    }

    private static String files(Hop hop) {
        List<Path> files = hop.hostKeys() == null ? List.of() : hop.hostKeys().files();
        if (files.isEmpty()) {
            return "your known_hosts";
        }
        return String.join(" or ", files.stream().map(Path::toString).toList());
    }

    private static Throwable rootCause(Throwable t) {
        Throwable current = t;
        for (int i = 0; i < 10 && current.getCause() != null && current.getCause() != current; i++) {
            current = current.getCause();
        }
        return current;
    }

    private static String describe(Throwable t) {
        Throwable root = rootCause(t);
        String message = String.valueOf(t.getMessage());
        return root == t ? message : message + " (" + root + ")";
    }

    static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** Collapses whitespace and control characters, and bounds the length: messages are one line. */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("[\\p{Cntrl}\\s]+", " ").trim();
        return flat.length() > MAX_DETAIL ? flat.substring(0, MAX_DETAIL) + "..." : flat;
    }
}
