package io.triagebot.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the SSH adapter needs to reach one host, after the config file has been applied and
 * defaults filled in. Paths are absolute and tokens ({@code %h}, {@code ~}...) already expanded.
 *
 * @param alias the name as typed (what {@code Host} patterns were matched against)
 * @param hostName where to connect (HostName, or the alias itself)
 * @param port TCP port, 22 by default
 * @param user remote user, the local user by default
 * @param identityFiles private keys to offer, in order; with no IdentityFile in the config, those
 *     of {@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa} that exist
 * @param knownHostsFiles known_hosts files; the first one receives keys under accept-new. Empty
 *     for {@code UserKnownHostsFile none}
 * @param strictHostKeyChecking the host key policy, YES by default
 * @param connectTimeout bound on TCP connect and on each read of the SSH handshake; 10 s by default
 * @param proxyJump hops to go through, first one contacted first; empty for a direct connection
 * @param identitiesOnly offer only agent keys that match an IdentityFile
 * @param identityAgent {@value #AGENT_FROM_ENV}, {@value #AGENT_NONE}, {@code $VAR} or a socket path
 * @param matchedHostBlock a Host block other than a catch-all {@code Host *} supplied a setting, so
 *     the config "knows" this name and it need not resolve in DNS
 */
public record SshHostConfig(
        String alias,
        String hostName,
        int port,
        String user,
        List<Path> identityFiles,
        List<Path> knownHostsFiles,
        StrictHostKeyChecking strictHostKeyChecking,
        Duration connectTimeout,
        List<JumpHost> proxyJump,
        boolean identitiesOnly,
        String identityAgent,
        boolean matchedHostBlock) {

    public static final int DEFAULT_PORT = 22;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final String AGENT_FROM_ENV = "SSH_AUTH_SOCK";
    public static final String AGENT_NONE = "none";

    public SshHostConfig {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(strictHostKeyChecking, "strictHostKeyChecking");
        Objects.requireNonNull(identityAgent, "identityAgent");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive: " + connectTimeout);
        }
        identityFiles = List.copyOf(identityFiles);
        knownHostsFiles = List.copyOf(knownHostsFiles);
        proxyJump = List.copyOf(proxyJump);
    }

    /** {@code host:port}, with IPv6 literals bracketed, for messages. */
    public String endpoint() {
        return (hostName.indexOf(':') >= 0 ? "[" + hostName + "]" : hostName) + ":" + port;
    }

    /** The same settings with a different user and/or port, for a {@code ProxyJump user@host:port} hop. */
    SshHostConfig withOverrides(String newUser, int newPort) {
        return new SshHostConfig(alias, hostName, newPort == 0 ? port : newPort,
                newUser == null ? user : newUser, identityFiles, knownHostsFiles, strictHostKeyChecking,
                connectTimeout, proxyJump, identitiesOnly, identityAgent, matchedHostBlock);
    }

    /** The same settings without a ProxyJump: later hops of a chain are reached through the earlier ones. */
    SshHostConfig withoutProxyJump() {
        return new SshHostConfig(alias, hostName, port, user, identityFiles, knownHostsFiles,
                strictHostKeyChecking, connectTimeout, List.of(), identitiesOnly, identityAgent, matchedHostBlock);
    }
}
