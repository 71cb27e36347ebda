package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.config.BotConfig;
import io.triagebot.probe.HostName;
import io.triagebot.ssh.SshConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which hosts /triage may reach in serve: the SSH config's own, the configured patterns, local on request. */
class HostAllowListTest {

    @TempDir
    Path home;

    private SshConfigFile ssh(String text) throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Path file = Files.writeString(home.resolve(".ssh").resolve("config"), text);
        return SshConfigFile.load(file, true, home, "triage");
    }

    private static boolean allows(HostAllowList list, String host) {
        return list.allows(new HostName(host));
    }

    @Test
    void hostsWithABlockOfTheirOwnAreAllowedAndACatchAllAllowsNothing() throws Exception {
        SshConfigFile config = ssh("""
                Host db-3 cache-?
                  User triage
                Host web-* !web-admin
                  Port 2222
                Host *
                  ConnectTimeout 5
                Match host bastion
                  User root
                """);
        HostAllowList list = HostAllowList.of(BotConfig.Hosts.defaults(), config::namesHost);
        for (String ok : List.of("db-3", "DB-3", "cache-1", "web-1", "web-frontend")) {
            assertTrue(allows(list, ok), ok);
        }
        for (String no : List.of("db-4", "cache-10", "web-admin", "bastion", "10.1.2.3", "localhost", "local")) {
            assertFalse(allows(list, no), no);
        }
    }

    @Test
    void includedFilesCountWhereTheyApply() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh").resolve("hosts.conf"), "Host db-9\n  User triage\n");
        Files.writeString(home.resolve(".ssh").resolve("other.conf"), "Host other-1\n  User triage\n");
        SshConfigFile config = ssh("Include hosts.conf\nHost unrelated\n  Include other.conf\n");
        HostAllowList list = HostAllowList.of(BotConfig.Hosts.defaults(), config::namesHost);
        assertTrue(allows(list, "db-9"));
        assertFalse(allows(list, "other-1"), "an Include under another host's block does not apply to it");
    }

    @Test
    void configuredPatternsAddHostsAndLocalOnlyWhenEnabled() throws Exception {
        SshConfigFile config = ssh("Host db-3\n  User triage\n");
        HostAllowList list = HostAllowList.of(new BotConfig.Hosts(List.of("*.prod.example.com", "!secret.prod.example.com",
                "10.1.2.?"), true, false), config::namesHost);
        for (String ok : List.of("db-3", "api.prod.example.com", "10.1.2.3", "local")) {
            assertTrue(allows(list, ok), ok);
        }
        for (String no : List.of("secret.prod.example.com", "10.1.2.30", "api.dev.example.com")) {
            assertFalse(allows(list, no), no);
        }
    }

    @Test
    void everyRefusedNameGetsTheSameAnswer() {
        String a = HostAllowList.refusal(List.of("`10.1.2.3`"));
        String b = HostAllowList.refusal(List.of("`no-such-host.invalid`"));
        assertTrue(a.replace("10.1.2.3", "X").equals(b.replace("no-such-host.invalid", "X")), a + " / " + b);
    }
}
