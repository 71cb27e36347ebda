package io.triagebot.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** renovate.json: every rule says why, and names packages the build really has, so none targets nothing. */
class RenovateConfigTest {

    private static final Path ROOT = Path.of(System.getProperty("triagebot.projectDir", "."));

    private static JsonNode config() throws IOException {
        return new ObjectMapper().readTree(ROOT.resolve("renovate.json").toFile());
    }

    @Test
    void everyRuleSaysWhy() throws IOException {
        JsonNode rules = config().path("packageRules");
        assertTrue(rules.size() > 5, rules.toString());
        for (JsonNode rule : rules) {
            assertTrue(rule.path("description").asText().length() > 20, "a rule without a reason: " + rule);
        }
    }

    @Test
    void everyRuleNamesPackagesThisBuildUses() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        for (JsonNode rule : config().path("packageRules")) {
            boolean docker = rule.path("matchDatasources").toString().contains("docker");
            for (JsonNode name : rule.path("matchPackageNames")) {
                String n = name.asText();
                if (docker) {
                    assertTrue(dockerfile.contains("FROM " + n + ":"), n + " is no base image of the Dockerfile");
                } else if (n.endsWith(":**")) {
                    String group = n.substring(0, n.length() - 3);
                    assertTrue(pom.contains("<groupId>" + group + "</groupId>"), group + " is not in pom.xml");
                } else {
                    String[] ga = n.split(":");
                    assertEquals(2, ga.length, n);
                    assertTrue(Pattern.compile("<groupId>" + Pattern.quote(ga[0]) + "</groupId>\\s*<artifactId>"
                            + Pattern.quote(ga[1]) + "</artifactId>").matcher(pom).find(), n + " is not in pom.xml");
                }
            }
        }
    }

    @Test
    void theSlackSdkMovesAsOneAndOkHttpWithIt() throws IOException {
        boolean slackGrouped = false;
        boolean okhttpHeld = false;
        for (JsonNode rule : config().path("packageRules")) {
            String names = rule.path("matchPackageNames").toString();
            slackGrouped |= names.contains("com.slack.api:**") && rule.has("groupName");
            okhttpHeld |= names.contains("com.squareup.okhttp3:okhttp") && !rule.path("enabled").asBoolean(true);
        }
        assertTrue(slackGrouped && okhttpHeld);
        assertFalse(config().path("extends").toString().contains("automerge"), "nothing merges without a review");
    }
}
