package io.triagebot.deploy;

import static io.triagebot.deploy.ChartRender.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.config.BotConfig;
import io.triagebot.config.BotConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The chart's triage.allowedHosts, allowLocal and detailedFailures reach the bot, checked on the way. */
class ChartHostsTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultsAreTheSafeOnes() throws Exception {
        BotConfig bot = load(ChartRender.of(dir, "").botConfig());
        assertEquals(BotConfig.Hosts.defaults(), bot.hosts());
    }

    @Test
    void valuesReachTheBot() throws Exception {
        Map<String, Object> config = ChartRender.of(dir, """
                triage:
                  allowedHosts: ["*.prod.example.com", "!db-secret.prod.example.com"]
                  allowLocal: true
                  detailedFailures: true
                """).botConfig();
        assertEquals(List.of("*.prod.example.com", "!db-secret.prod.example.com"), at(config, "triage", "allowedHosts"));
        assertEquals(new BotConfig.Hosts(List.of("*.prod.example.com", "!db-secret.prod.example.com"), true, true),
                load(config).hosts());
    }

    @Test
    void aPatternWithAUserOrSpacesIsRefusedAtInstall() {
        String message = ChartRender.errorOf(dir, "triage:\n  allowedHosts: ['root@db-1']\n");
        assertTrue(message.contains("allowedHosts"), message);
    }

    private BotConfig load(Map<String, Object> config) throws Exception {
        Path file = dir.resolve("triagebot.yaml");
        Files.writeString(file, new Yaml().dump(config));
        return BotConfigLoader.load(file, Map.of("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s3cret",
                "HOME", "/nonexistent"), null, null);
    }
}
