package io.triagebot.ssh;

import io.triagebot.probe.HostName;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.TargetConnector;
import io.triagebot.probe.TargetException;
import io.triagebot.probe.TargetException.Kind;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reaches hosts over SSH as described by an OpenSSH client config file.
 *
 * <p>{@link #runnerFor} resolves the name through the config (HostName, ProxyJump chain...) and checks
 * that the first hop's address resolves, so a typo fails at once with UNKNOWN_HOST rather than after a
 * connect attempt. The returned runner connects only when it runs.
 */
public final class SshTargetConnector implements TargetConnector {

    /** Longer chains are a configuration loop far more often than a real network. */
    static final int MAX_ROUTE_HOPS = 8;
    /** Resolution is a pre-flight check; a resolver slower than this will not get better. */
    private static final Duration MAX_DNS_CHECK = Duration.ofSeconds(5);

    private final SshConfigFile config;
    private final Map<String, String> environment;

    /** Uses the process environment for {@code SSH_AUTH_SOCK}. */
    public SshTargetConnector(SshConfigFile config) {
        this(config, System.getenv());
    }

    /**
     * @param environment where {@code SSH_AUTH_SOCK} (and {@code IdentityAgent $VAR}) are looked up;
     *     tests pass their own to keep the developer's agent out
     */
    public SshTargetConnector(SshConfigFile config, Map<String, String> environment) {
        this.config = Objects.requireNonNull(config, "config");
        this.environment = Map.copyOf(environment);
    }

    /**
     * The connector for a {@code --ssh-config PATH} option: that file when given (it must exist),
     * else {@code ~/.ssh/config} (which may be absent).
     */
    public static SshTargetConnector fromConfigPath(Path sshConfigOrNull) throws SshConfigException {
        SshConfigFile file = sshConfigOrNull == null ? SshConfigFile.loadDefault() : SshConfigFile.load(sshConfigOrNull);
        return new SshTargetConnector(file);
    }

    public SshConfigFile config() {
        return config;
    }

    /** Config lines that were understood but not honoured; worth showing once per invocation. */
    public List<String> warnings() {
        return config.warnings();
    }

    @Override
    public ScriptRunner runnerFor(HostName host) throws TargetException {
        return sshRunnerFor(host);
    }

    /** Like {@link #runnerFor} with the concrete type, for callers that want the route. */
    public SshScriptRunner sshRunnerFor(HostName host) throws TargetException {
        String alias = host.value();
        List<SshHostConfig> route;
        SshHostConfig target;
        try {
            target = config.resolve(alias);
            route = route(target);
        } catch (SshConfigException e) {
            throw new TargetException(Kind.CONFIG, alias, alias + ": " + e.getMessage(), e);
        }
        checkResolves(alias, target, route.get(0));
        return new SshScriptRunner(alias, route, environment);
    }

    /** Hops in connection order, target last; see ssh_config(5) ProxyJump. */
    List<SshHostConfig> route(SshHostConfig target) throws SshConfigException {
        Set<String> visiting = new HashSet<>();
        visiting.add(target.alias().toLowerCase(Locale.ROOT));
        List<SshHostConfig> route = routeTo(target, visiting);
        if (route.size() > MAX_ROUTE_HOPS) {
            throw new SshConfigException("ProxyJump chain for " + target.alias() + " has " + (route.size() - 1)
                    + " jump hosts; at most " + (MAX_ROUTE_HOPS - 1) + " are allowed");
        }
        return route;
    }

    private List<SshHostConfig> routeTo(SshHostConfig host, Set<String> visiting) throws SshConfigException {
        if (host.proxyJump().isEmpty()) {
            return new ArrayList<>(List.of(host));
        }
        // Like "ssh -J a,b target": a is reached by its own config (its own ProxyJump included),
        // b through a, the target through b; a user or port in the ProxyJump spec wins.
        List<JumpHost> jumps = host.proxyJump();
        JumpHost first = jumps.get(0);
        if (!visiting.add(first.host().toLowerCase(Locale.ROOT)) || visiting.size() > MAX_ROUTE_HOPS) {
            throw new SshConfigException("ProxyJump loop: " + host.alias() + " jumps through " + first.host()
                    + ", which leads back to " + host.alias() + " (or the chain is longer than "
                    + (MAX_ROUTE_HOPS - 1) + " hops)");
        }
        List<SshHostConfig> route = routeTo(jumpConfig(first), visiting);
        for (JumpHost later : jumps.subList(1, jumps.size())) {
            route.add(jumpConfig(later).withoutProxyJump());
        }
        route.add(host);
        return route;
    }

    private SshHostConfig jumpConfig(JumpHost jump) throws SshConfigException {
        return config.resolve(jump.host()).withOverrides(jump.user(), jump.port());
    }

    /** The first hop is resolved locally, so it must resolve now; later hops resolve on the jump hosts. */
    private void checkResolves(String alias, SshHostConfig target, SshHostConfig firstHop) throws TargetException {
        Duration limit = firstHop.connectTimeout().compareTo(MAX_DNS_CHECK) < 0
                ? firstHop.connectTimeout() : MAX_DNS_CHECK;
        try {
            BoundedDns.resolve(firstHop.hostName(), limit);
        } catch (BoundedDns.DnsTimeoutException e) {
            throw new TargetException(Kind.UNKNOWN_HOST, alias, alias + ": cannot resolve '" + firstHop.hostName()
                    + "': no DNS answer within " + SshFailures.seconds(limit) + " (is DNS reachable?)", e);
        } catch (UnknownHostException e) {
            throw new TargetException(Kind.UNKNOWN_HOST, alias, unknownHostMessage(alias, target, firstHop), e);
        }
    }

    private String unknownHostMessage(String alias, SshHostConfig target, SshHostConfig firstHop) {
        String where = config.path().map(Path::toString).orElse("the ssh config");
        if (firstHop != target) {
            return alias + ": jump host " + firstHop.alias() + " has address '" + firstHop.hostName()
                    + "', which does not resolve (check HostName in " + where + ")";
        }
        if (!target.hostName().equals(alias)) {
            return alias + ": HostName '" + target.hostName() + "' from " + where + " does not resolve";
        }
        return alias + ": unknown host: not a Host alias in " + where + " and not found in DNS";
    }
}
