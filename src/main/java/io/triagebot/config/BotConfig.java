package io.triagebot.config;

import io.triagebot.store.DatabaseSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything {@code serve} runs with, after the config file, the environment and the command line are
 * merged (in that order of increasing precedence). Secrets only ever come from the environment.
 *
 * @param slackAppToken xapp- token; when present the bot uses Socket Mode and needs no public URL
 * @param slackSigningSecret verifies every HTTP request; required in HTTP mode
 * @param slackApiUrl the Web API base, https://slack.com/api/ unless pointed at a fake or a proxy
 * @param httpPort HTTP mode's port for Slack's requests (nothing else is served there)
 * @param opsPort health, readiness and metrics, in both modes: a port Slack's public URL never reaches
 * @param allowedChannels channel ids where /triage works; empty means any channel the bot is in
 * @param allowedUsers user ids who may triage; empty means anyone
 * @param sshConfig OpenSSH client config for reaching hosts; null means ~/.ssh/config
 * @param commands probe catalog directory; null means the built-in one
 * @param thresholds site threshold overrides; null means none
 * @param dataDir where state lives
 * @param database where incidents live: H2 under dataDir by default, PostgreSQL by URL
 * @param runbooks site runbook directory; null means the built-in catalog
 * @param approval who may approve runbook actions, and for how long a proposal stands
 * @param recallSharedChannels channel ids whose incidents "seen before" may quote in one another; empty
 *     means each channel's recall quotes only its own incidents
 * @param hosts which hosts /triage may reach, and what a failure to reach one tells the channel
 */
public record BotConfig(
        String slackBotToken,
        String slackAppToken,
        String slackSigningSecret,
        String slackApiUrl,
        int httpPort,
        int opsPort,
        Set<String> allowedChannels,
        Set<String> allowedUsers,
        Duration window,
        Duration deadline,
        int concurrency,
        int queueCapacity,
        int maxHostsPerCommand,
        Path sshConfig,
        Path commands,
        Path thresholds,
        Path dataDir,
        DatabaseSettings database,
        Path runbooks,
        Approval approval,
        Set<String> recallSharedChannels,
        Hosts hosts) {

    public BotConfig {
        recallSharedChannels = Set.copyOf(recallSharedChannels);
    }

    /** No recall shared between channels, and the bot's defaults for which hosts ({@link Hosts#defaults()}). */
    public BotConfig(String slackBotToken, String slackAppToken, String slackSigningSecret, String slackApiUrl,
            int httpPort, int opsPort, Set<String> allowedChannels, Set<String> allowedUsers, Duration window,
            Duration deadline, int concurrency, int queueCapacity, int maxHostsPerCommand, Path sshConfig,
            Path commands, Path thresholds, Path dataDir, DatabaseSettings database, Path runbooks, Approval approval) {
        this(slackBotToken, slackAppToken, slackSigningSecret, slackApiUrl, httpPort, opsPort, allowedChannels,
                allowedUsers, window, deadline, concurrency, queueCapacity, maxHostsPerCommand, sshConfig, commands,
                thresholds, dataDir, database, runbooks, approval, Set.of(), Hosts.defaults());
    }

    /**
     * Which hosts {@code /triage} may reach from Slack.
     *
     * @param allowedPatterns OpenSSH-style patterns ({@code *}, {@code ?}, {@code !name}) allowed besides the
     *     hosts the SSH config has a {@code Host} block of their own for
     * @param allowLocal whether {@code /triage local} may collect on the bot's own machine
     * @param detailedFailures whether the channel is told why a host could not be reached (refused, timeout,
     *     host key...); otherwise one answer with a reference, the reason in the log
     */
    public record Hosts(List<String> allowedPatterns, boolean allowLocal, boolean detailedFailures) {

        public Hosts {
            allowedPatterns = List.copyOf(allowedPatterns);
        }

        /** The SSH config's own hosts only, no {@code local}, failures told without details. */
        public static Hosts defaults() {
            return new Hosts(List.of(), false, false);
        }
    }

    /**
     * Approve-to-run settings.
     *
     * @param approvers Slack user ids who may approve; with no approvers and no groups, whoever may triage
     * @param approverGroups Slack user group ids whose members may approve (usergroups.users.list)
     * @param allowSelfApproval whether the person who asked for the triage may approve its actions
     * @param ttl how long a proposal may be approved
     * @param sudo run privileged runbook steps through {@code sudo -n} (the SSH user is not root)
     */
    public record Approval(Set<String> approvers, Set<String> approverGroups, boolean allowSelfApproval, Duration ttl,
            boolean sudo) {

        public Approval {
            approvers = Set.copyOf(approvers);
            approverGroups = Set.copyOf(approverGroups);
        }

        public static Approval defaults() {
            return new Approval(Set.of(), Set.of(), false, Duration.ofMinutes(15), false);
        }
    }

    public boolean socketMode() {
        return slackAppToken != null;
    }

    /** Shown at start-up and in logs: never the secrets themselves. */
    public String describe() {
        return (socketMode() ? "Socket Mode" : "HTTP mode on port " + httpPort + " at /slack/events")
                + ", health and metrics on port " + opsPort
                + ", Slack API " + slackApiUrl + ", data " + dataDir + ", database " + database.describe()
                + (allowedChannels.isEmpty() ? ", any channel" : ", channels " + allowedChannels)
                + (allowedUsers.isEmpty() ? ", any user" : ", users " + allowedUsers)
                + ", approvers " + (approval.approvers().isEmpty() && approval.approverGroups().isEmpty()
                        ? "anyone allowed to triage" : approval.approvers() + " " + approval.approverGroups())
                + (approval.allowSelfApproval() ? " (self-approval allowed)" : "")
                + (recallSharedChannels.isEmpty() ? "" : ", recall shared by " + recallSharedChannels)
                + ", hosts: the SSH config's" + (hosts.allowedPatterns().isEmpty() ? "" : " and " + hosts.allowedPatterns())
                + (hosts.allowLocal() ? ", local" : "");
    }
}
