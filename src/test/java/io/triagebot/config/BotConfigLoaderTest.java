package io.triagebot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BotConfigLoaderTest {

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>(Map.of(
            "SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s3cret", "HOME", "/home/bot"));

    @Test
    void theExampleFileInTheRepositoryLoads() throws Exception {
        Path example = Path.of(System.getProperty("triagebot.projectDir", "."), "config", "triagebot.example.yaml");
        BotConfig c = BotConfigLoader.load(example, env, null, null);
        assertEquals(3000, c.httpPort());
        assertTrue(c.describe().contains("HTTP mode"));
    }

    @Test
    void defaultsWithoutAFile() throws Exception {
        BotConfig c = BotConfigLoader.load(null, env, null, null);
        assertEquals("https://slack.com/api/", c.slackApiUrl());
        assertEquals(3000, c.httpPort());
        assertEquals(Set.of(), c.allowedChannels());
        assertEquals(Path.of("/home/bot/.local/share/triagebot"), c.dataDir());
        assertNull(c.slackAppToken());
    }

    @Test
    void environmentOverridesTheFileAndTheCommandLineOverridesBoth() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "slack:\n  httpPort: 4000\n  apiUrl: http://file.example/api\n"
                + "dataDir: /from/file\n");
        env.put("SLACK_API_URL", "http://127.0.0.1:9999/api");
        env.put("TRIAGEBOT_HTTP_PORT", "5000");
        env.put("TRIAGEBOT_DATA_DIR", "/from/env");
        BotConfig c = BotConfigLoader.load(f, env, null, Path.of("/from/flag"));
        assertEquals("http://127.0.0.1:9999/api/", c.slackApiUrl());
        assertEquals(5000, c.httpPort());
        assertEquals(Path.of("/from/flag"), c.dataDir());
    }

    @Test
    void healthAndMetricsHaveAPortOfTheirOwn() throws Exception {
        assertEquals(9090, BotConfigLoader.load(null, env, null, null).opsPort());
        Path f = Files.writeString(dir.resolve("o.yaml"), "ops:\n  port: 9100\n");
        assertEquals(9100, BotConfigLoader.load(f, env, null, null).opsPort());
        env.put("TRIAGEBOT_OPS_PORT", "9200");
        assertEquals(9200, BotConfigLoader.load(f, env, null, null).opsPort());
        env.put("TRIAGEBOT_OPS_PORT", "3000");
        ConfigException same = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> BotConfigLoader.load(null, env, null, null));
        assertTrue(same.getMessage().contains("must differ from Slack's HTTP port 3000"), same.getMessage());
        env.put("TRIAGEBOT_OPS_PORT", "nine");
        ConfigException bad = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> BotConfigLoader.load(null, env, null, null));
        assertEquals("TRIAGEBOT_OPS_PORT must be a port number, got 'nine'", bad.getMessage());
    }

    @Test
    void approversComeFromTheFileAndTheEnvironment() throws Exception {
        Path f = Files.writeString(dir.resolve("a.yaml"), "approval:\n  approvers: [U0AAA]\n  approverGroups: [S0SRE]\n"
                + "  allowSelfApproval: true\n  expiryMinutes: 5\n  sudo: true\n");
        env.put("TRIAGEBOT_APPROVERS", "U0BBB, W0CCC");
        BotConfig.Approval a = BotConfigLoader.load(f, env, null, null).approval();
        assertEquals(Set.of("U0AAA", "U0BBB", "W0CCC"), a.approvers());
        assertEquals(Set.of("S0SRE"), a.approverGroups());
        assertTrue(a.allowSelfApproval() && a.sudo());
        assertEquals(java.time.Duration.ofMinutes(5), a.ttl());
        assertEquals(BotConfig.Approval.defaults(), BotConfigLoader.load(null, Map.of("SLACK_BOT_TOKEN", "xoxb-1",
                "SLACK_SIGNING_SECRET", "s"), null, null).approval());
    }

    @Test
    void badApproversAreRefusedWithWhere() throws Exception {
        env.put("TRIAGEBOT_APPROVERS", "U0AAA,alice");
        assertTrue(assertThrows(ConfigException.class, () -> BotConfigLoader.load(null, env, null, null))
                .getMessage().contains("TRIAGEBOT_APPROVERS: 'alice'"));
        env.remove("TRIAGEBOT_APPROVERS");
        Path f = Files.writeString(dir.resolve("b.yaml"), "approval:\n  approverGroups: [U0NOTAGROUP]\n");
        String m = assertThrows(ConfigException.class, () -> BotConfigLoader.load(f, env, null, null)).getMessage();
        assertTrue(m.contains("b.yaml:2") && m.contains("user group id"), m);
        Path g = Files.writeString(dir.resolve("g.yaml"), "approval:\n  expiryMinutes: 0\n");
        assertThrows(ConfigException.class, () -> BotConfigLoader.load(g, env, null, null));
    }

    @Test
    void socketModeNeedsNoSigningSecret() throws Exception {
        env.remove("SLACK_SIGNING_SECRET");
        env.put("SLACK_APP_TOKEN", "xapp-1");
        assertTrue(BotConfigLoader.load(null, env, null, null).socketMode());
    }

    @Test
    void recallSharingIsOffByDefaultAndNamesChannelIds() throws Exception {
        assertEquals(Set.of(), BotConfigLoader.load(null, env, null, null).recallSharedChannels());
        Path f = Files.writeString(dir.resolve("r.yaml"), "slack:\n  recallSharedChannels: [C0AAA, C0BBB]\n");
        BotConfig c = BotConfigLoader.load(f, env, null, null);
        assertEquals(Set.of("C0AAA", "C0BBB"), c.recallSharedChannels());
        assertTrue(c.describe().contains("recall shared by"), c.describe());
        Path bad = Files.writeString(dir.resolve("rb.yaml"), "slack:\n  recallSharedChannels: [\"#incidents\"]\n");
        String m = assertThrows(ConfigException.class, () -> BotConfigLoader.load(bad, env, null, null)).getMessage();
        assertTrue(m.contains("rb.yaml:2") && m.contains("recallSharedChannels"), m);
    }

    @Test
    void missingSecretsAreNamed() {
        env.remove("SLACK_SIGNING_SECRET");
        assertTrue(assertThrows(ConfigException.class, () -> BotConfigLoader.load(null, env, null, null))
                .getMessage().contains("SLACK_SIGNING_SECRET"));
        env.remove("SLACK_BOT_TOKEN");
        assertTrue(assertThrows(ConfigException.class, () -> BotConfigLoader.load(null, env, null, null))
                .getMessage().contains("SLACK_BOT_TOKEN"));
    }

    @Test
    void badFileNamesTheKeyAndLine() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), "slack:\n  allowedChannels: [C1, general]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> BotConfigLoader.load(f, env, null, null));
        assertTrue(e.getMessage().contains("c.yaml:2") && e.getMessage().contains("allowedChannels"), e.getMessage());
        Path g = Files.writeString(dir.resolve("g.yaml"), "slack:\n  htpPort: 1\n");
        e = assertThrows(ConfigException.class, () -> BotConfigLoader.load(g, env, null, null));
        assertTrue(e.getMessage().contains("g.yaml:2") && e.getMessage().contains("htpPort"), e.getMessage());
    }
}
