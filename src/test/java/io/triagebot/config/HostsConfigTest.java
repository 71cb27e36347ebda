package io.triagebot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** triage.allowedHosts, triage.allowLocal and triage.detailedFailures: read, checked, safe by default. */
class HostsConfigTest {

    @TempDir
    Path dir;

    private final Map<String, String> env = Map.of("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s3cret",
            "HOME", "/home/bot");

    @Test
    void byDefaultOnlyTheSshConfigsHostsNoLocalAndNoDetails() throws Exception {
        assertEquals(BotConfig.Hosts.defaults(), BotConfigLoader.load(null, env, null, null).hosts());
        Path f = Files.writeString(dir.resolve("t.yaml"), "triage:\n  concurrency: 2\n");
        assertEquals(new BotConfig.Hosts(List.of(), false, false), BotConfigLoader.load(f, env, null, null).hosts());
    }

    @Test
    void theKeysAreRead() throws Exception {
        Path f = Files.writeString(dir.resolve("t.yaml"), "triage:\n  allowedHosts: ['*.prod.example.com',"
                + " '!db-secret', 10.1.2.3]\n  allowLocal: true\n  detailedFailures: true\n");
        BotConfig c = BotConfigLoader.load(f, env, null, null);
        assertEquals(new BotConfig.Hosts(List.of("*.prod.example.com", "!db-secret", "10.1.2.3"), true, true), c.hosts());
        assertTrue(c.describe().contains("*.prod.example.com") && c.describe().contains("local"), c.describe());
    }

    @Test
    void aPatternThatIsNotAHostPatternIsRefusedWithWhere() throws Exception {
        Path f = Files.writeString(dir.resolve("t.yaml"), "triage:\n  allowedHosts: ['db-1', 'root@db-2']\n");
        String m = assertThrows(ConfigException.class, () -> BotConfigLoader.load(f, env, null, null)).getMessage();
        assertTrue(m.contains("t.yaml:2") && m.contains("root@db-2") && m.contains("host pattern"), m);
    }
}
