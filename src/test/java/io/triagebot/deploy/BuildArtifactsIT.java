package io.triagebot.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.ops.BuildInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the build ships, read from target/ after package: the shaded jar (what README runs), the image
 * layout (target/image: lib/ and a jar naming it, what the Dockerfile copies), and what both carry.
 */
class BuildArtifactsIT {

    private static final Path PROJECT = Path.of(System.getProperty("triagebot.projectDir", "."));
    private static final Path SHADED = PROJECT.resolve("target/triagebot.jar");
    private static final Path IMAGE_JAR = PROJECT.resolve("target/image/triagebot-image.jar");
    private static final Path IMAGE_LIB = PROJECT.resolve("target/image/lib");

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    @Test
    void versionFromTheJarNamesTheCommitGitHasCheckedOut() throws Exception {
        Run run = java(Map.of(), "-jar", SHADED.toString(), "--version");
        assertEquals(0, run.exit(), run.err());
        String first = run.out().lines().findFirst().orElse("");
        assertTrue(first.startsWith("triagebot " + BuildInfo.current().version() + " ("), first);
        String head = gitHead();
        if (head == null) {
            assertTrue(first.endsWith("(commit unknown: not built from a git checkout)"), first);
        } else {
            assertTrue(first.startsWith("triagebot " + BuildInfo.current().version() + " (commit " + head), first
                    + " should name " + head);
        }
    }

    @Test
    void theImageLayoutRunsOnItsOwn() throws Exception {
        assertTrue(Files.isRegularFile(IMAGE_JAR), "no " + IMAGE_JAR + ": run mvn package first");
        // Only the two layers, as the image has them: the jar's Class-Path must name every library.
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.copy(IMAGE_JAR, app.resolve("triagebot.jar"));
        Path lib = Files.createDirectories(app.resolve("lib"));
        try (Stream<Path> jars = Files.list(IMAGE_LIB)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        Run version = java(Map.of(), "-jar", app.resolve("triagebot.jar").toString(), "--version");
        assertEquals(java(Map.of(), "-jar", SHADED.toString(), "--version").out(), version.out(), version.err());
        Run triage = java(Map.of("TRIAGEBOT_LOG_FORMAT", "json"), "-jar", app.resolve("triagebot.jar").toString(),
                "triage", "local", "--json", "--window", "0.2");
        assertEquals(0, triage.exit(), triage.err());
        assertEquals("local", new ObjectMapper().readTree(triage.out()).path("host").asText(), triage.out());
        assertEquals("", triage.err(), "nothing wrong to log in the image layout either");
    }

    @Test
    void whatTheDockerfileCopiesOutOfItsBuildStageIsWhatTheBuildMakes() throws Exception {
        List<String> sources = Files.readAllLines(PROJECT.resolve("Dockerfile")).stream()
                .map(String::strip).filter(l -> l.startsWith("COPY --from=build /src/"))
                .map(l -> l.split("\\s+")[2].substring("/src/".length())).toList();
        assertEquals(List.of("target/image/lib", "target/image/triagebot-image.jar"), sources);
        for (String source : sources) {
            assertTrue(Files.exists(PROJECT.resolve(source)), source + " is copied but the build did not make it");
        }
    }

    @Test
    void serveLogsItsBuildFirstEvenWhenItCannotStart() throws Exception {
        Run run = java(Map.of("TRIAGEBOT_LOG_FORMAT", "json", "TRIAGEBOT_DATA_DIR", dir.toString()),
                "-jar", SHADED.toString(), "serve");
        assertEquals(4, run.exit(), "no Slack token: a configuration error\n" + run.err());
        JsonNode first = new ObjectMapper().readTree(run.err().lines().findFirst().orElse("{}"));
        assertEquals("io.triagebot.cli.ServeCommand", first.path("logger_name").asText(), run.err());
        assertEquals("triagebot " + BuildInfo.current().describe() + " starting", first.path("message").asText());
    }

    @Test
    void slacksRequestUrlIsServedByJetty12AndNoJetty9ClassShips() throws Exception {
        try (JarFile jar = new JarFile(SHADED.toFile())) {
            List<String> old = jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("org/eclipse/jetty/servlet/") || n.startsWith("javax/servlet/")
                            || n.startsWith("com/slack/api/bolt/jetty/") || n.startsWith("com/slack/api/bolt/servlet/"))
                    .limit(5).toList();
            assertEquals(List.of(), old, "Jetty 9 / javax.servlet classes in the jar");
            assertTrue(jar.getEntry("org/eclipse/jetty/ee10/servlet/ServletContextHandler.class") != null);
            assertTrue(jar.getEntry("com/slack/api/bolt/jakarta_servlet/SlackAppServlet.class") != null);
            String version = text(jar, "org/eclipse/jetty/version/build.properties");
            assertTrue(version.contains("version=12."), version);
        }
    }

    @Test
    void theJarCarriesAnSbomOfExactlyTheLibrariesItShips() throws Exception {
        assumeFalse("offline=true".equals(System.getProperty("triagebot.maven")),
                "the SBOM plugin does not run in offline builds (-o)");
        JsonNode bom;
        try (JarFile jar = new JarFile(SHADED.toFile())) {
            ZipEntry entry = jar.getEntry("META-INF/sbom/bom.json");
            assertTrue(entry != null, "no META-INF/sbom/bom.json in " + SHADED);
            bom = new ObjectMapper().readTree(jar.getInputStream(entry));
        }
        assertEquals("CycloneDX", bom.path("bomFormat").asText());
        assertEquals("triagebot", bom.path("metadata").path("component").path("name").asText());
        assertEquals(BuildInfo.current().version(), bom.path("metadata").path("component").path("version").asText());
        Set<String> listed = new TreeSet<>();
        for (JsonNode c : bom.path("components")) {
            listed.add(c.path("name").asText() + "-" + c.path("version").asText() + ".jar");
            assertTrue(c.path("purl").asText().startsWith("pkg:maven/"), c.toString());
        }
        Set<String> shipped;
        try (Stream<Path> jars = Files.list(IMAGE_LIB)) {
            shipped = jars.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(shipped, listed, "the SBOM lists what the image's lib/ holds, no more, no less");
        assertFalse(listed.stream().anyMatch(n -> n.startsWith("junit-") || n.startsWith("wiremock")
                || n.startsWith("helm-java")), "test libraries are not shipped: " + listed);
    }

    @Test
    void everyLibrarysLicenceAndNoticeIsInTheShadedJar() throws Exception {
        int licences = 0;
        int notices = 0;
        try (JarFile shaded = new JarFile(SHADED.toFile()); Stream<Path> jars = Files.list(IMAGE_LIB)) {
            String mergedNotice = text(shaded, "META-INF/NOTICE");
            for (Path path : jars.sorted().toList()) {
                try (JarFile lib = new JarFile(path.toFile())) {
                    for (String name : List.of("META-INF/LICENSE", "META-INF/LICENSE.txt", "META-INF/LICENSE.md")) {
                        String own = text(lib, name);
                        if (own != null) {
                            String merged = text(shaded, name);
                            assertTrue(merged != null && merged.contains(own.strip()),
                                    path.getFileName() + "'s " + name + " is missing from the shaded jar");
                            licences++;
                        }
                    }
                    for (String name : List.of("META-INF/NOTICE", "META-INF/NOTICE.txt", "META-INF/NOTICE.md")) {
                        String own = text(lib, name);
                        if (own != null) {
                            List<String> copyrights = own.lines().map(String::strip)
                                    .filter(l -> l.startsWith("Copyright")).toList();
                            for (String copyright : copyrights) {
                                assertTrue(mergedNotice != null && mergedNotice.contains(copyright),
                                        path.getFileName() + ": '" + copyright + "' missing from META-INF/NOTICE");
                            }
                            notices++;
                        }
                    }
                }
            }
        }
        assertTrue(licences > 5 && notices > 5, "the libraries carry licences (" + licences + ") and notices ("
                + notices + "): this test must have something to check");
    }

    private static String text(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        if (entry == null) {
            return null;
        }
        return new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The commit git has checked out in the project, or null outside a git checkout (or without git). */
    private static String gitHead() throws Exception {
        try {
            Process p = new ProcessBuilder("git", "-C", PROJECT.toString(), "rev-parse", "--short=12", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assumeTrue(p.waitFor(30, TimeUnit.SECONDS), "git did not answer");
            return p.exitValue() == 0 && out.matches("[0-9a-f]{12}") ? out : null;
        } catch (IOException noGit) {
            return null;
        }
    }

    private Run java(Map<String, String> env, String... args) throws Exception {
        assertTrue(Files.isRegularFile(SHADED), "no " + SHADED + ": run mvn package first");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("TRIAGEBOT_") || k.startsWith("SLACK_"));
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
