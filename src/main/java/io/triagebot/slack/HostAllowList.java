package io.triagebot.slack;

import io.triagebot.config.BotConfig;
import io.triagebot.probe.HostName;
import io.triagebot.ssh.HostPatterns;
import java.util.List;
import java.util.function.Predicate;

/**
 * The hosts {@code /triage} may reach from Slack: those the SSH config has a {@code Host} block of their own
 * for, and those matching the configured patterns. {@code local}, the bot's own machine, only when enabled.
 * Anything else is refused before any name lookup or connection, with one answer for every refused name,
 * so the answer says nothing about whether such a host exists.
 */
final class HostAllowList {

    private final Predicate<String> namedBySshConfig;
    private final HostPatterns patterns;
    private final boolean allowLocal;

    /**
     * @param namedBySshConfig whether the SSH config has a Host block of its own for a name
     */
    HostAllowList(Predicate<String> namedBySshConfig, List<String> patterns, boolean allowLocal) {
        this.namedBySshConfig = namedBySshConfig;
        this.patterns = new HostPatterns(patterns);
        this.allowLocal = allowLocal;
    }

    static HostAllowList of(BotConfig.Hosts hosts, Predicate<String> namedBySshConfig) {
        return new HostAllowList(namedBySshConfig, hosts.allowedPatterns(), hosts.allowLocal());
    }

    boolean allows(HostName host) {
        if (host.isLocal()) {
            return allowLocal;
        }
        return namedBySshConfig.test(host.value()) || patterns.matches(host.value());
    }

    /** The one answer for every host refused, whatever the reason and whether or not it exists. */
    static String refusal(List<String> hosts) {
        return ":no_entry: Not a host this bot may triage: " + String.join(", ", hosts) + ". It triages the hosts"
                + " its operators named (its SSH config's `Host` entries and `triage.allowedHosts`).";
    }
}
