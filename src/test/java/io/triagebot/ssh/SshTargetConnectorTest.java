package io.triagebot.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.probe.HostName;
import io.triagebot.probe.TargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Route building and pre-flight checks; no connection is ever opened and only IP literals are used. */
class SshTargetConnectorTest {

    @TempDir
    Path home;

    private SshTargetConnector connector(String... lines) throws Exception {
        Path file = Files.createDirectories(home.resolve(".ssh")).resolve("config");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return new SshTargetConnector(SshConfigFile.load(file, true, home, "alice"), Map.of());
    }

    private static List<String> hops(SshScriptRunner runner) {
        return runner.route().stream().map(h -> h.alias() + "=" + h.user() + "@" + h.endpoint()).toList();
    }

    @Test
    void directHostIsARouteOfOne() throws Exception {
        SshScriptRunner runner = connector("Host db-3", "  HostName 127.0.0.1", "  Port 2222")
                .sshRunnerFor(new HostName("db-3"));
        assertEquals(List.of("db-3=alice@127.0.0.1:2222"), hops(runner));
        assertEquals("db-3", runner.alias());
    }

    @Test
    void proxyJumpChainIsOrderedAndSpecOverridesConfig() throws Exception {
        SshScriptRunner runner = connector(
                "Host db-3",
                "  HostName 10.1.0.3",
                "  ProxyJump ops@bastion:2200,inner",
                "Host bastion",
                "  HostName 127.0.0.1",
                "  User admin",
                "  Port 22",
                "Host inner",
                "  HostName 10.1.0.1",
                "  ProxyJump ignored-because-inner-is-not-first")
                .sshRunnerFor(new HostName("db-3"));
        assertEquals(List.of("bastion=ops@127.0.0.1:2200", "inner=alice@10.1.0.1:22", "db-3=alice@10.1.0.3:22"),
                hops(runner));
    }

    @Test
    void firstJumpHostsOwnProxyJumpIsFollowed() throws Exception {
        SshScriptRunner runner = connector(
                "Host db-3",
                "  HostName 10.1.0.3",
                "  ProxyJump middle",
                "Host middle",
                "  HostName 10.0.0.2",
                "  ProxyJump edge",
                "Host edge",
                "  HostName 127.0.0.1")
                .sshRunnerFor(new HostName("db-3"));
        assertEquals(List.of("edge=alice@127.0.0.1:22", "middle=alice@10.0.0.2:22", "db-3=alice@10.1.0.3:22"),
                hops(runner));
    }

    @Test
    void proxyJumpLoopIsAConfigError() throws Exception {
        SshTargetConnector connector = connector(
                "Host a", "  HostName 127.0.0.1", "  ProxyJump b",
                "Host b", "  HostName 127.0.0.2", "  ProxyJump a");
        TargetException e = assertThrows(TargetException.class, () -> connector.runnerFor(new HostName("a")));
        assertEquals(TargetException.Kind.CONFIG, e.kind());
        assertTrue(e.getMessage().startsWith("a: ProxyJump loop"), e.getMessage());
    }

    @Test
    void configErrorsBecomeConfigKindWithAliasPrefix() throws Exception {
        SshTargetConnector connector = connector("Host db-3", "  IdentityFile ~/.ssh/%C", "  HostName 127.0.0.1");
        TargetException e = assertThrows(TargetException.class, () -> connector.runnerFor(new HostName("db-3")));
        assertEquals(TargetException.Kind.CONFIG, e.kind());
        assertEquals("db-3", e.target());
        assertTrue(e.getMessage().startsWith("db-3: " + home.resolve(".ssh/config") + ":2: "), e.getMessage());
    }
}
