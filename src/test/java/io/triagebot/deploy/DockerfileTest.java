package io.triagebot.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image cannot be built where the suite runs (no registry for its base images), so its properties
 * that matter are read from the Dockerfile: what runs, as whom, with what, and that no secret is in it.
 */
class DockerfileTest {

    private static final Path ROOT = Path.of(System.getProperty("triagebot.projectDir", "."));
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(token|secret|password|passwd|private|credential).*");

    /** One instruction, continuation lines joined. */
    record Instruction(String keyword, String args) {
    }

    private static List<List<Instruction>> stages() throws IOException {
        List<List<Instruction>> stages = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String whole = (pending + line).strip();
            pending.setLength(0);
            String[] parts = whole.split("\\s+", 2);
            Instruction in = new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : "");
            if (in.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            }
            stages.get(stages.size() - 1).add(in);
        }
        return stages;
    }

    private static List<Instruction> runtime() throws IOException {
        List<List<Instruction>> stages = stages();
        return stages.get(stages.size() - 1);
    }

    private static List<String> args(List<Instruction> stage, String keyword) {
        return stage.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
    }

    private static String last(List<Instruction> stage, String keyword) {
        List<String> all = args(stage, keyword);
        assertFalse(all.isEmpty(), "no " + keyword + " in the runtime stage");
        return all.get(all.size() - 1);
    }

    private static List<String> json(String array) throws IOException {
        return new ObjectMapper().readValue(array, new TypeReference<List<String>>() { });
    }

    @Test
    void buildsOnJdk17AndRunsOnASupportedJre17() throws IOException {
        List<List<Instruction>> stages = stages();
        assertEquals(2, stages.size());
        List<Instruction> build = stages.get(0);
        assertTrue(build.get(0).args().matches("eclipse-temurin:17-jdk-noble(@sha256:[0-9a-f]{64})? AS build"),
                build.get(0).args());
        assertTrue(args(build, "RUN").stream().anyMatch(r -> r.contains("./mvnw -B -ntp -q package -DskipTests")));
        // Temurin 17 on Ubuntu 24.04 LTS; a digest Renovate pins may follow the tag.
        assertTrue(runtime().get(0).args().matches("eclipse-temurin:17-jre-noble(@sha256:[0-9a-f]{64})?"),
                runtime().get(0).args());
        // The jar the build stage copies out is the one the POM names.
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        assertTrue(pom.contains("<finalName>triagebot</finalName>"));
    }

    @Test
    void theLibrariesAreALayerOfTheirOwnBelowTheBotsJar() throws IOException {
        List<String> copies = args(runtime(), "COPY");
        int lib = copies.indexOf("--from=build /src/target/image/lib /app/lib");
        int jar = copies.indexOf("--from=build /src/target/image/triagebot-image.jar /app/triagebot.jar");
        assertTrue(lib >= 0 && jar >= 0, copies.toString());
        assertTrue(lib < jar, "the libraries change less often than the bot: their layer comes first " + copies);
        assertEquals(jar, copies.size() - 1, "the bot's jar is the last layer copied: " + copies);
        assertFalse(copies.stream().anyMatch(c -> c.contains("target/triagebot.jar")),
                "the shaded jar would put every library in the bot's layer again: " + copies);
        // The image jar finds lib/ beside itself through its manifest's Class-Path (pom.xml).
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        assertTrue(pom.contains("<classpathPrefix>lib/</classpathPrefix>"), "pom.xml's image jar names lib/");
    }

    @Test
    void carriesTheOpenContainersLabels() throws IOException {
        Map<String, String> labels = new HashMap<>();
        Matcher pair = Pattern.compile("([a-z.]+)=\"([^\"]*)\"").matcher(String.join(" ", args(runtime(), "LABEL")));
        while (pair.find()) {
            labels.put(pair.group(1), pair.group(2));
        }
        for (String key : List.of("title", "description", "version", "revision", "created", "source", "base.name")) {
            assertTrue(labels.containsKey("org.opencontainers.image." + key), key + " missing from " + labels);
        }
        assertEquals("${VERSION}", labels.get("org.opencontainers.image.version"));
        assertEquals("${REVISION}", labels.get("org.opencontainers.image.revision"));
        for (String arg : List.of("VERSION", "REVISION", "CREATED", "SOURCE")) {
            assertTrue(args(runtime(), "ARG").stream().anyMatch(a -> a.startsWith(arg + "=")), arg);
        }
        // The jar inside says the same commit as the label: the build stage hands REVISION to Maven.
        assertTrue(args(stages().get(0), "RUN").stream()
                .anyMatch(r -> r.contains("-Dgit.commit.id.abbrev=\"${REVISION}\"")));
        assertEquals(runtime().get(0).args().replaceAll("@sha256:.*", ""),
                labels.get("org.opencontainers.image.base.name").replace("docker.io/library/", ""),
                "base.name names the image the runtime stage is built FROM");
    }

    @Test
    void runsAsTheNumericNonRootUser() throws IOException {
        String user = last(runtime(), "USER");
        String uid = user.split(":")[0];
        assertTrue(uid.matches("\\d+"), "USER must be numeric so runAsNonRoot can check it: " + user);
        assertNotEquals(0, Integer.parseInt(uid));
        assertEquals("10001:10001", user, "the chart's runAsUser and fsGroup assume 10001");
        assertTrue(args(runtime(), "RUN").stream()
                .anyMatch(r -> r.contains("install -d -o 10001 -g 10001") && r.contains("/var/lib/triagebot")),
                "the data dir must belong to the bot's user");
    }

    @Test
    void copiesTheJarAndBothCatalogsIntoApp() throws IOException {
        List<String> copies = args(runtime(), "COPY");
        assertTrue(copies.contains("--from=build /src/target/image/triagebot-image.jar /app/triagebot.jar"),
                copies.toString());
        assertTrue(copies.contains("commands /app/commands"), copies.toString());
        assertTrue(copies.contains("runbooks /app/runbooks"), copies.toString());
        assertEquals("/app", last(runtime(), "WORKDIR"));
    }

    @Test
    void startsServeWithContainerAwareHeapOnPort3000() throws IOException {
        List<String> entrypoint = json(last(runtime(), "ENTRYPOINT"));
        assertEquals("java", entrypoint.get(0));
        assertTrue(entrypoint.contains("-XX:MaxRAMPercentage=75"), entrypoint.toString());
        assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), entrypoint.toString());
        assertEquals(List.of("-jar", "/app/triagebot.jar"), entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
        assertEquals(List.of("serve"), json(last(runtime(), "CMD")));
        assertEquals("3000", last(runtime(), "EXPOSE"));
        assertTrue(last(runtime(), "ENV").contains("TRIAGEBOT_DATA_DIR=/var/lib/triagebot"));
    }

    @Test
    void bakesInNoSecret() throws IOException {
        String text = Files.readString(ROOT.resolve("Dockerfile"));
        for (String marker : List.of("xoxb-", "xoxp-", "xapp-", "PRIVATE KEY", "id_ed25519", "id_rsa", "known_hosts")) {
            assertFalse(text.contains(marker), "Dockerfile mentions " + marker);
        }
        for (List<Instruction> stage : stages()) {
            for (Instruction in : stage) {
                assertNotEquals("ADD", in.keyword(), "ADD can fetch URLs and unpack archives; COPY says what it does");
                if (in.keyword().equals("ENV") || in.keyword().equals("ARG")) {
                    Matcher names = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=").matcher(in.args() + "=");
                    while (names.find()) {
                        assertFalse(SECRET_NAME.matcher(names.group(1)).matches(), in.keyword() + " " + in.args());
                    }
                }
            }
        }
    }

    @Test
    void theBuildContextIsAnAllowListCoveringEveryCopy() throws IOException {
        List<String> rules = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("*", rules.get(0), "everything is excluded first, so nothing new slips into the context");
        List<String> allowed = rules.stream().filter(r -> r.startsWith("!")).map(r -> r.substring(1)).toList();
        for (String never : List.of(".git", "target", "helm", "lab", "config")) {
            assertFalse(allowed.contains(never), never + " must stay out of the build context");
        }
        for (List<Instruction> stage : stages()) {
            for (String copy : args(stage, "COPY")) {
                if (copy.startsWith("--from=")) {
                    continue;
                }
                String[] words = copy.split("\\s+");
                for (int i = 0; i < words.length - 1; i++) {
                    String source = words[i];
                    assertTrue(allowed.contains(source), source + " is copied but not in .dockerignore's allow-list");
                    assertTrue(Files.exists(ROOT.resolve(source)), source + " is copied but does not exist");
                }
            }
        }
    }
}
