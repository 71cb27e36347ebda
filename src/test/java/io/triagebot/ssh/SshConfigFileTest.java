package io.triagebot.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigFileTest {

    private static final String ME = "alice";

    @TempDir
    Path home;

    private Path sshDir;

    @BeforeEach
    void setUp() throws IOException {
        sshDir = Files.createDirectories(home.resolve(".ssh"));
    }

    private Path write(String relative, String... lines) throws IOException {
        Path file = sshDir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private SshConfigFile load(String... lines) throws Exception {
        return SshConfigFile.load(write("config", lines), true, home, ME);
    }

    private SshConfigException loadFails(String... lines) {
        return assertThrows(SshConfigException.class, () -> load(lines));
    }

    @Test
    void emptyConfigGivesDefaults() throws Exception {
        Files.writeString(sshDir.resolve("id_ed25519"), "x");
        Files.writeString(sshDir.resolve("id_rsa"), "x");
        SshHostConfig c = load("# nothing but a comment").resolve("db-3");
        assertEquals("db-3", c.alias());
        assertEquals("db-3", c.hostName());
        assertEquals(22, c.port());
        assertEquals(ME, c.user());
        assertEquals(List.of(sshDir.resolve("id_ed25519"), sshDir.resolve("id_rsa")), c.identityFiles());
        assertEquals(List.of(sshDir.resolve("known_hosts")), c.knownHostsFiles());
        assertEquals(StrictHostKeyChecking.YES, c.strictHostKeyChecking());
        assertEquals(Duration.ofSeconds(10), c.connectTimeout());
        assertEquals(List.of(), c.proxyJump());
        assertFalse(c.identitiesOnly());
        assertEquals(SshHostConfig.AGENT_FROM_ENV, c.identityAgent());
        assertFalse(c.matchedHostBlock());
    }

    @Test
    void missingDefaultFileIsEmptyButMissingExplicitFileIsAnError() throws Exception {
        Path absent = sshDir.resolve("nope");
        SshConfigFile config = SshConfigFile.load(absent, false, home, ME);
        assertEquals(22, config.resolve("x").port());
        SshConfigException e = assertThrows(SshConfigException.class,
                () -> SshConfigFile.load(absent, true, home, ME));
        assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void firstObtainedValueWinsAcrossBlocks() throws Exception {
        SshConfigFile config = load(
                "Host db-*",
                "    Port 2200",
                "    User admin",
                "    Port 2300",
                "Host *",
                "    Port 22",
                "    User nobody",
                "    HostName %h.example.com");
        SshHostConfig db = config.resolve("db-3");
        assertEquals(2200, db.port());
        assertEquals("admin", db.user());
        assertEquals("db-3.example.com", db.hostName());
        assertTrue(db.matchedHostBlock());
        SshHostConfig web = config.resolve("web-1");
        assertEquals(22, web.port());
        assertEquals("nobody", web.user());
        assertFalse(web.matchedHostBlock(), "only Host * applied");
    }

    @Test
    void patternsSupportWildcardsNegationAndSeveralPerLine() throws Exception {
        SshConfigFile config = load(
                "Host web? api-*",
                "    User www",
                "Host * !bastion !bastion-?",
                "    ProxyJump bastion",
                "Host bastion",
                "    HostName 10.0.0.1");
        assertEquals("www", config.resolve("web1").user());
        assertEquals("www", config.resolve("API-eu-3").user(), "host patterns are case-insensitive");
        assertEquals(ME, config.resolve("web12").user(), "? is exactly one character");
        assertEquals(List.of(new JumpHost(null, "bastion", 0)), config.resolve("db-1").proxyJump());
        assertEquals(List.of(), config.resolve("bastion").proxyJump());
        assertEquals(List.of(), config.resolve("bastion-2").proxyJump());
        assertEquals("10.0.0.1", config.resolve("bastion").hostName());
    }

    @Test
    void onlyNegatedPatternsMatchNothing() throws Exception {
        SshConfigFile config = load("Host !db-1", "    Port 2222");
        assertEquals(22, config.resolve("web").port());
        assertEquals(22, config.resolve("db-1").port());
    }

    @Test
    void keywordsAreCaseInsensitiveAndAcceptEqualsQuotesAndComments() throws Exception {
        SshConfigFile config = load(
                "  # indented comment",
                "",
                "HOST db-3",
                "\tport=2222   # trailing comment",
                "  USER = \"ops user\"",
                "  IdentityFile \"~/keys/my key\"",
                "  identityfile='~/keys/second'",
                "  HostName\t=db3.internal");
        SshHostConfig c = config.resolve("db-3");
        assertEquals(2222, c.port());
        assertEquals("ops user", c.user());
        assertEquals(List.of(home.resolve("keys/my key"), home.resolve("keys/second")), c.identityFiles());
        assertEquals("db3.internal", c.hostName());
    }

    @Test
    void identityFilesAccumulateAndExpandTokens() throws Exception {
        SshConfigFile config = load(
                "Host db-*",
                "    HostName %h.prod",
                "    User root",
                "    IdentityFile ~/.ssh/%h_%r",
                "Host *",
                "    IdentityFile %d/keys/%u-%n-%p",
                "    IdentityFile /abs/100%%");
        SshHostConfig c = config.resolve("db-3");
        assertEquals(List.of(sshDir.resolve("db-3.prod_root"), home.resolve("keys/alice-db-3-22"),
                Path.of("/abs/100%")), c.identityFiles());
    }

    @Test
    void unknownTokensAreReportedWithFileAndLine() throws Exception {
        SshConfigFile config = load("Host *", "  IdentityFile ~/.ssh/%C");
        SshConfigException e = assertThrows(SshConfigException.class, () -> config.resolve("x"));
        assertTrue(e.getMessage().startsWith(sshDir.resolve("config") + ":2: "), e.getMessage());
        assertTrue(e.getMessage().contains("%C"), e.getMessage());
    }

    @Test
    void includeReadsRelativeToDotSshWithGlobsInPlace() throws Exception {
        write("conf.d/20-b.conf", "Host b", "    HostName 10.0.0.2");
        write("conf.d/10-a.conf", "Host a", "    HostName 10.0.0.1", "    Port 2001");
        write("conf.d/.hidden.conf", "Host a", "    User hidden");
        write("conf.d/ignored.txt", "Host a", "    User txt");
        SshConfigFile config = load(
                "Include conf.d/*.conf ~/.ssh/missing-*.conf",
                "Host *",
                "    Port 2999",
                "    User fallback");
        assertEquals("10.0.0.1", config.resolve("a").hostName());
        assertEquals(2001, config.resolve("a").port());
        assertEquals("fallback", config.resolve("a").user(), "dotfiles and non-matching names are not included");
        assertEquals("10.0.0.2", config.resolve("b").hostName());
        assertEquals(2999, config.resolve("b").port());
    }

    @Test
    void includeInsideHostBlockAppliesOnlyWhenThatBlockMatches() throws Exception {
        write("db.conf", "Port 2200", "Host other", "    User other-user");
        SshConfigFile config = load(
                "Host db-*",
                "    Include db.conf",
                "    User dbadmin",
                "Host *",
                "    User someone");
        SshHostConfig db = config.resolve("db-1");
        assertEquals(2200, db.port());
        assertEquals("dbadmin", db.user(), "a Host line inside an included file does not leak out of it");
        SshHostConfig web = config.resolve("web-1");
        assertEquals(22, web.port());
        assertEquals("someone", web.user());
        assertEquals("someone", config.resolve("other").user(),
                "as in OpenSSH, nothing in a file included from a non-matching block applies");
    }

    @Test
    void includeLoopStopsAtDepthSixteen() throws Exception {
        write("loop.conf", "Include loop.conf");
        SshConfigException e = loadFails("Include loop.conf");
        assertTrue(e.getMessage().contains("loop.conf:1: "), e.getMessage());
        assertTrue(e.getMessage().contains("16"), e.getMessage());
    }

    @Test
    void includeDepthOfSixteenIsAllowed() throws Exception {
        for (int i = 1; i <= 16; i++) {
            write("inc" + i + ".conf", i == 16 ? "Port 2016" : "Include inc" + (i + 1) + ".conf");
        }
        assertEquals(2016, load("Include inc1.conf").resolve("x").port());
    }

    @Test
    void proxyJumpParsesChainsAndNone() throws Exception {
        SshConfigFile config = load(
                "Host db-*",
                "    ProxyJump admin@bastion:2222,[fe80::1]:2200,ssh://u@h2,10.0.0.9",
                "Host direct",
                "    ProxyJump none",
                "Host *",
                "    ProxyJump should-not-win");
        assertEquals(List.of(new JumpHost("admin", "bastion", 2222), new JumpHost(null, "fe80::1", 2200),
                new JumpHost("u", "h2", 0), new JumpHost(null, "10.0.0.9", 0)), config.resolve("db-1").proxyJump());
        assertEquals(List.of(), config.resolve("direct").proxyJump(), "'none' is a value and wins like any other");
        assertEquals(List.of(new JumpHost(null, "should-not-win", 0)), config.resolve("web").proxyJump());
    }

    @Test
    void matchBlocksAreSkippedWithAWarning() throws Exception {
        SshConfigFile config = load(
                "Match host db-*",
                "    Port 9999",
                "Host *",
                "    Port 2222");
        assertEquals(2222, config.resolve("db-1").port());
        assertEquals(1, config.warnings().size());
        assertTrue(config.warnings().get(0).contains("config:1: Match"), config.warnings().toString());
    }

    @Test
    void unknownKeywordsAreIgnored() throws Exception {
        SshConfigFile config = load(
                "Host *",
                "    ForwardAgent yes",
                "    ServerAliveInterval 30",
                "    SomeFutureKeyword with several args",
                "    Port 2022");
        assertEquals(2022, config.resolve("x").port());
        assertTrue(config.warnings().isEmpty());
    }

    @Test
    void hostKeyAndTimeoutSettings() throws Exception {
        SshConfigFile config = load(
                "Host a",
                "    StrictHostKeyChecking ask",
                "    ConnectTimeout 5",
                "Host b",
                "    StrictHostKeyChecking accept-new",
                "    ConnectTimeout 1m30s",
                "Host c",
                "    StrictHostKeyChecking off",
                "    ConnectTimeout 0",
                "    UserKnownHostsFile ~/.ssh/kh1 /etc/kh2",
                "Host d",
                "    StrictHostKeyChecking no",
                "    UserKnownHostsFile none",
                "    IdentitiesOnly yes",
                "    IdentityAgent none",
                "Host e",
                "    IdentityAgent ~/agent.sock",
                "Host f",
                "    IdentityAgent $MY_AGENT");
        assertEquals(StrictHostKeyChecking.YES, config.resolve("a").strictHostKeyChecking());
        assertEquals(Duration.ofSeconds(5), config.resolve("a").connectTimeout());
        assertEquals(StrictHostKeyChecking.ACCEPT_NEW, config.resolve("b").strictHostKeyChecking());
        assertEquals(Duration.ofSeconds(90), config.resolve("b").connectTimeout());
        SshHostConfig c = config.resolve("c");
        assertEquals(StrictHostKeyChecking.NO, c.strictHostKeyChecking());
        assertEquals(Duration.ofSeconds(10), c.connectTimeout(), "0 must not mean 'wait forever'");
        assertEquals(List.of(sshDir.resolve("kh1"), Path.of("/etc/kh2")), c.knownHostsFiles());
        SshHostConfig d = config.resolve("d");
        assertEquals(List.of(), d.knownHostsFiles());
        assertTrue(d.identitiesOnly());
        assertEquals(SshHostConfig.AGENT_NONE, d.identityAgent());
        assertEquals(home.resolve("agent.sock").toString(), config.resolve("e").identityAgent());
        assertEquals("$MY_AGENT", config.resolve("f").identityAgent());
    }

    @Test
    void malformedLinesNameFileAndLine() {
        Path config = sshDir.resolve("config");
        String[][] cases = {
            {"Bad Port 'abc'", "Host x", "  Port abc"},
            {"Bad Port '70000'", "Host x", "  Port 70000"},
            {"HostName is missing its value", "Host x", "  HostName"},
            {"Port takes one value", "Host x", "  Port 22 23"},
            {"StrictHostKeyChecking 'maybe'", "Host x", "  StrictHostKeyChecking maybe"},
            {"unterminated quote", "Host x", "  IdentityFile \"~/.ssh/id"},
            {"Bad ConnectTimeout '1x'", "Host x", "  ConnectTimeout 1x"},
            {"ProxyJump 'a,,b'", "Host x", "  ProxyJump a,,b"},
            {"ProxyJump 'a:0'", "Host x", "  ProxyJump a:0"},
            {"IdentitiesOnly 'perhaps'", "Host x", "  IdentitiesOnly perhaps"},
            {"Host needs at least one pattern", "# c", "Host"},
        };
        for (String[] c : cases) {
            SshConfigException e = assertThrows(SshConfigException.class,
                    () -> load(c[1], c[2]), "expected an error for " + c[2]);
            assertTrue(e.getMessage().startsWith(config + ":2: "), e.getMessage());
            assertTrue(e.getMessage().contains(c[0]), e.getMessage());
            assertEquals(2, e.line());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void syntaxIsCheckedEvenInBlocksThatDoNotMatch() {
        SshConfigException e = loadFails("Host never-used", "  Port nope");
        assertTrue(e.getMessage().contains(":2: Bad Port"), e.getMessage());
    }

    @Test
    void wildcardMatcherHandlesPathologicalPatterns() {
        assertTrue(HostPatterns.wildcardMatch("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 0, "*a*a*a*a*a*a*a*b", 0));
        assertFalse(HostPatterns.wildcardMatch("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, "*a*a*a*a*a*a*a*b", 0));
        assertTrue(HostPatterns.wildcardMatch("db-3.prod", 0, "db-?.*", 0));
        assertTrue(HostPatterns.wildcardMatch("", 0, "*", 0));
        assertFalse(HostPatterns.wildcardMatch("", 0, "?", 0));
    }

    @Test
    void emptyConfigHasNoPath() throws Exception {
        SshConfigFile config = SshConfigFile.empty(home, ME);
        assertTrue(config.path().isEmpty());
        assertEquals(ME, config.resolve("h").user());
    }
}
