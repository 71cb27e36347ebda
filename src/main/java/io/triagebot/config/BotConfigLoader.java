package io.triagebot.config;

import io.triagebot.store.DatabaseSettings;
import io.triagebot.yaml.StrictYaml;
import io.triagebot.yaml.YamlException;
import io.triagebot.yaml.YamlMap;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code serve}'s configuration: an optional YAML file (--config or TRIAGEBOT_CONFIG; see
 * config/triagebot.example.yaml), then the environment, then command-line overrides.
 */
public final class BotConfigLoader {

    static final Set<String> TOP_KEYS = YamlMap.keySet("slack", "approval", "triage", "ssh", "database", "commands",
            "runbooks", "thresholds", "dataDir", "ops");
    static final Set<String> OPS_KEYS = YamlMap.keySet("port");
    /** Prometheus' conventional exporter port: scrapers and probes expect something there, not Slack. */
    static final int DEFAULT_OPS_PORT = 9090;
    static final Set<String> DATABASE_KEYS = YamlMap.keySet("url", "user");
    static final Set<String> SLACK_KEYS = YamlMap.keySet("apiUrl", "httpPort", "allowedChannels", "allowedUsers",
            "recallSharedChannels");
    static final Set<String> TRIAGE_KEYS = YamlMap.keySet("window", "deadline", "concurrency", "queue", "maxHostsPerCommand",
            "allowedHosts", "allowLocal", "detailedFailures");
    /** An OpenSSH Host pattern: host name characters and the wildcards, optionally negated. */
    private static final Pattern HOST_PATTERN = Pattern.compile("!?[A-Za-z0-9._:*?-]{1,253}");
    static final Set<String> SSH_KEYS = YamlMap.keySet("config");
    static final Set<String> APPROVAL_KEYS = YamlMap.keySet("approvers", "approverGroups", "allowSelfApproval",
            "expiryMinutes", "sudo");
    private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{1,31}");
    private static final Pattern GROUP_ID = Pattern.compile("S[A-Z0-9]{1,31}");

    private static final Pattern SLACK_ID = Pattern.compile("[A-Z0-9]{2,32}");

    private BotConfigLoader() {
    }

    /**
     * @param file the config file, or null for none
     * @param env the environment (System.getenv() in production)
     * @param overrides command-line values: sshConfig, dataDir (null when not given)
     */
    public static BotConfig load(Path file, Map<String, String> env, Path sshConfigOverride, Path dataDirOverride)
            throws ConfigException {
        YamlMap doc = null;
        if (file != null) {
            try {
                doc = StrictYaml.loadMap(file, file.toString());
                doc.checkKeys(TOP_KEYS, Set.of());
            } catch (YamlException e) {
                throw new ConfigException(e.getMessage());
            }
        }
        try {
            YamlMap slack = section(doc, "slack", SLACK_KEYS);
            YamlMap triage = section(doc, "triage", TRIAGE_KEYS);
            YamlMap ssh = section(doc, "ssh", SSH_KEYS);
            String botToken = secret(env, "SLACK_BOT_TOKEN", "xoxb-", true);
            String appToken = secret(env, "SLACK_APP_TOKEN", "xapp-", false);
            String signingSecret = blankToNull(env.get("SLACK_SIGNING_SECRET"));
            if (appToken == null && signingSecret == null) {
                throw new ConfigException("SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it"
                        + " (or set SLACK_APP_TOKEN to use Socket Mode)");
            }
            String apiUrl = env.getOrDefault("SLACK_API_URL",
                    slack == null ? null : slack.optionalString("apiUrl").orElse(null));
            apiUrl = apiUrl == null ? "https://slack.com/api/" : apiUrl;
            checkUrl(apiUrl);
            if (!apiUrl.endsWith("/")) {
                apiUrl = apiUrl + "/";
            }
            int port = slack == null ? 3000 : slack.integer("httpPort", 0, 65535, 3000);
            if (env.containsKey("TRIAGEBOT_HTTP_PORT")) {
                port = parsePort("TRIAGEBOT_HTTP_PORT", env.get("TRIAGEBOT_HTTP_PORT"));
            }
            YamlMap ops = section(doc, "ops", OPS_KEYS);
            int opsPort = ops == null ? DEFAULT_OPS_PORT : ops.integer("port", 0, 65535, DEFAULT_OPS_PORT);
            if (env.containsKey("TRIAGEBOT_OPS_PORT")) {
                opsPort = parsePort("TRIAGEBOT_OPS_PORT", env.get("TRIAGEBOT_OPS_PORT"));
            }
            if (appToken == null && opsPort != 0 && opsPort == port) {
                throw new ConfigException("the ops port (ops.port, TRIAGEBOT_OPS_PORT) must differ from Slack's HTTP port "
                        + port + ": health and metrics never share the public request URL's port");
            }
            Set<String> channels = ids(slack, "allowedChannels");
            Set<String> users = ids(slack, "allowedUsers");
            double window = triage == null || !triage.has("window") ? 1 : triage.number("window", 0.1, 60);
            double deadline = triage == null || !triage.has("deadline") ? 10 : triage.number("deadline", 2, 300);
            if (deadline < window + 1) {
                throw triage.error("deadline", "deadline must exceed window by at least 1 s");
            }
            int concurrency = triage == null ? 4 : triage.integer("concurrency", 1, 64, 4);
            int queue = triage == null ? 100 : triage.integer("queue", 1, 10_000, 100);
            int maxHosts = triage == null ? 10 : triage.integer("maxHostsPerCommand", 1, 50, 10);
            Path sshConfig = sshConfigOverride != null ? sshConfigOverride
                    : ssh == null ? null : ssh.optionalString("config").map(Path::of).orElse(null);
            Path commands = doc == null ? null : doc.optionalString("commands").map(Path::of).orElse(null);
            Path thresholds = doc == null ? null : doc.optionalString("thresholds").map(Path::of).orElse(null);
            Path dataDir = dataDirOverride != null ? dataDirOverride
                    : env.containsKey("TRIAGEBOT_DATA_DIR") ? Path.of(env.get("TRIAGEBOT_DATA_DIR"))
                    : doc != null && doc.has("dataDir") ? Path.of(doc.string("dataDir"))
                    : Path.of(env.getOrDefault("HOME", "."), ".local", "share", "triagebot");
            YamlMap database = section(doc, "database", DATABASE_KEYS);
            String dbUrl = env.getOrDefault("TRIAGEBOT_DB_URL",
                    database == null ? null : database.optionalString("url").orElse(null));
            DatabaseSettings db;
            if (dbUrl == null) {
                db = DatabaseSettings.embedded(dataDir);
            } else {
                if (!dbUrl.startsWith("jdbc:postgresql:") && !dbUrl.startsWith("jdbc:h2:")) {
                    throw new ConfigException("database URL must start with jdbc:postgresql: or jdbc:h2:, got '"
                            + new DatabaseSettings(dbUrl, "", "").describe() + "'");
                }
                String dbUser = env.getOrDefault("TRIAGEBOT_DB_USER",
                        database == null ? "triagebot" : database.optionalString("user").orElse("triagebot"));
                db = new DatabaseSettings(dbUrl, dbUser, env.getOrDefault("TRIAGEBOT_DB_PASSWORD", ""));
            }
            Path runbooks = doc == null ? null : doc.optionalString("runbooks").map(Path::of).orElse(null);
            return new BotConfig(botToken, appToken, signingSecret, apiUrl, port, opsPort, channels, users,
                    Duration.ofMillis(Math.round(window * 1000)), Duration.ofMillis(Math.round(deadline * 1000)),
                    concurrency, queue, maxHosts, sshConfig, commands, thresholds, dataDir, db, runbooks,
                    approval(section(doc, "approval", APPROVAL_KEYS), env), ids(slack, "recallSharedChannels"),
                    hosts(triage));
        } catch (YamlException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static BotConfig.Approval approval(YamlMap a, Map<String, String> env)
            throws YamlException, ConfigException {
        Set<String> approvers = new LinkedHashSet<>(a == null ? Set.of() : matching(a, "approvers", USER_ID,
                "a Slack user id (like U0123ABCD)"));
        String fromEnv = blankToNull(env.get("TRIAGEBOT_APPROVERS"));
        if (fromEnv != null) {
            for (String id : fromEnv.split(",")) {
                String v = id.strip();
                if (!USER_ID.matcher(v).matches()) {
                    throw new ConfigException("TRIAGEBOT_APPROVERS: '" + v + "' is not a Slack user id (like U0123ABCD);"
                            + " give comma-separated user ids");
                }
                approvers.add(v);
            }
        }
        Set<String> groups = a == null ? Set.of() : matching(a, "approverGroups", GROUP_ID,
                "a Slack user group id (like S0123ABCD)");
        boolean self = a != null && a.bool("allowSelfApproval", false);
        int minutes = a == null ? 15 : a.integer("expiryMinutes", 1, 24 * 60, 15);
        boolean sudo = a != null && a.bool("sudo", false);
        return new BotConfig.Approval(approvers, groups, self, Duration.ofMinutes(minutes), sudo);
    }

    private static BotConfig.Hosts hosts(YamlMap triage) throws YamlException {
        if (triage == null) {
            return BotConfig.Hosts.defaults();
        }
        List<String> patterns = List.copyOf(matching(triage, "allowedHosts", HOST_PATTERN,
                "an OpenSSH host pattern (letters, digits, . - _ : and the wildcards * ?, ! to exclude)"));
        return new BotConfig.Hosts(patterns, triage.bool("allowLocal", false), triage.bool("detailedFailures", false));
    }

    private static Set<String> matching(YamlMap m, String key, Pattern id, String what) throws YamlException {
        Set<String> out = new LinkedHashSet<>();
        for (String v : m.stringList(key)) {
            if (!id.matcher(v).matches()) {
                throw m.error(key, "'" + v + "' in " + key + " is not " + what);
            }
            out.add(v);
        }
        return out;
    }

    private static YamlMap section(YamlMap doc, String key, Set<String> keys) throws YamlException {
        if (doc == null) {
            return null;
        }
        Optional<YamlMap> m = doc.optionalMap(key);
        if (m.isEmpty()) {
            return null;
        }
        return m.get().describedAs(key).checkKeys(keys, Set.of());
    }

    private static Set<String> ids(YamlMap slack, String key) throws YamlException {
        if (slack == null) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String id : slack.stringList(key)) {
            if (!SLACK_ID.matcher(id).matches()) {
                throw slack.error(key, "'" + id + "' in " + key + " is not a Slack id (like C0123ABCD or U0123ABCD)");
            }
            out.add(id);
        }
        return out;
    }

    private static String secret(Map<String, String> env, String name, String prefix, boolean required)
            throws ConfigException {
        String v = blankToNull(env.get(name));
        if (v == null) {
            if (required) {
                throw new ConfigException(name + " is not set: the bot needs its " + prefix + "... token");
            }
            return null;
        }
        if (!v.startsWith(prefix)) {
            throw new ConfigException(name + " does not look like a Slack " + prefix + "... token");
        }
        return v;
    }

    private static void checkUrl(String url) throws ConfigException {
        try {
            URI u = new URI(url);
            if (!List.of("http", "https").contains(u.getScheme()) || u.getHost() == null) {
                throw new ConfigException("Slack API URL '" + url + "' must be an http(s) URL");
            }
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException("Slack API URL '" + url + "' is not a URL: " + e.getMessage());
        }
    }

    private static int parsePort(String name, String s) throws ConfigException {
        try {
            int p = Integer.parseInt(s.strip());
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a port number, got '" + s + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
