package io.triagebot.deploy;

import static io.triagebot.deploy.ChartRender.FULLNAME;
import static io.triagebot.deploy.ChartRender.at;
import static io.triagebot.deploy.ChartRender.list;
import static io.triagebot.deploy.ChartRender.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.triagebot.config.BotConfig;
import io.triagebot.config.BotConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class HelmChartTest {

    private static final String POSTGRES = """
            replicaCount: 2
            database:
              url: jdbc:postgresql://db.internal:5432/triagebot
              existingSecret: triagebot-db
            """;

    @TempDir
    Path dir;

    private ChartRender render(String values) throws Exception {
        return ChartRender.of(dir, values);
    }

    private String renderError(String values) {
        return ChartRender.errorOf(dir, values);
    }

    @Test
    void lintPassesStrictly() {
        LintResult result = new Helm(ChartRender.CHART).lint().strict().call();
        assertFalse(result.isFailed(), String.join("\n", result.getMessages()));
    }

    @Test
    void defaultsRenderTheWorkloadAndNoSecretOrServiceMonitor() throws Exception {
        ChartRender r = render("");
        assertEquals(List.of("ConfigMap", "Deployment", "PersistentVolumeClaim", "PodDisruptionBudget", "Service"),
                r.kinds());
        Map<String, Object> deployment = r.deployment();
        assertEquals(1, at(deployment, "spec", "replicas"));
        // One H2 file, one process: even an update must not overlap two pods.
        assertEquals("Recreate", at(deployment, "spec", "strategy", "type"));
        assertEquals(List.of("serve"), r.container().get("args"));
        // The longest action step plus the final delivery, with a triage's deadline and room to spare.
        int grace = ((Number) r.podSpec().get("terminationGracePeriodSeconds")).intValue();
        assertEquals(75, grace);
        assertTrue(grace >= io.triagebot.slack.SlackBot.STOP_ACTIONS.plus(io.triagebot.slack.SlackBot.FINAL_DELIVERY)
                .plusSeconds(15).toSeconds(), "grace " + grace + " s must cover an action step and the final delivery");
        assertEquals(false, r.podSpec().get("automountServiceAccountToken"));
    }

    @Test
    void probesWatchHealthAndReadinessOnTheOpsPort() throws Exception {
        Map<String, Object> c = render("").container();
        for (String probe : List.of("startupProbe", "livenessProbe")) {
            assertEquals("/healthz", at(c, probe, "httpGet", "path"), probe);
            assertEquals("ops", at(c, probe, "httpGet", "port"), probe);
        }
        assertEquals("/readyz", at(c, "readinessProbe", "httpGet", "path"));
        assertEquals("ops", at(c, "readinessProbe", "httpGet", "port"));
        assertEquals(Map.of("name", "http", "containerPort", 3000, "protocol", "TCP"), map(list(c.get("ports")).get(0)));
        assertEquals(Map.of("name", "ops", "containerPort", 9090, "protocol", "TCP"), map(list(c.get("ports")).get(1)));
    }

    @Test
    void theServiceExposesSlacksPortAndTheOpsPort() throws Exception {
        List<Object> ports = list(at(render("").get("Service", FULLNAME), "spec", "ports"));
        assertEquals(Map.of("name", "http", "port", 3000, "targetPort", "http", "protocol", "TCP"), map(ports.get(0)));
        assertEquals(Map.of("name", "ops", "port", 9090, "targetPort", "ops", "protocol", "TCP"), map(ports.get(1)));
    }

    @Test
    void theOpsPortCannotBeSlacksPort() {
        String message = renderError("ops:\n  port: 3000\n");
        assertTrue(message.contains("ops.port=3000 equals slack.httpPort: health and metrics need a port of their own"),
                message);
    }

    @Test
    void resourcesHaveRequestsAndLimits() throws Exception {
        Map<String, Object> resources = map(render("").container().get("resources"));
        assertEquals("250m", at(resources, "requests", "cpu"));
        assertEquals("512Mi", at(resources, "requests", "memory"));
        assertEquals("1", at(resources, "limits", "cpu"));
        assertEquals("1Gi", at(resources, "limits", "memory"));
    }

    @Test
    void thePodRunsAsTheImagesNonRootUserOnAReadOnlyRoot() throws Exception {
        ChartRender r = render("");
        Map<String, Object> pod = map(r.podSpec().get("securityContext"));
        assertEquals(true, pod.get("runAsNonRoot"));
        assertEquals(10001, pod.get("runAsUser"));
        assertEquals(10001, pod.get("fsGroup"));
        Map<String, Object> container = map(r.container().get("securityContext"));
        assertEquals(true, container.get("readOnlyRootFilesystem"));
        assertEquals(false, container.get("allowPrivilegeEscalation"));
        assertEquals(List.of("ALL"), at(container, "capabilities", "drop"));
        // The writable places a read-only root leaves: the data dir and /tmp.
        assertEquals("/var/lib/triagebot", r.mount("data").get("mountPath"));
        assertEquals(FULLNAME, at(r.volume("data"), "persistentVolumeClaim", "claimName"));
        assertEquals("/tmp", r.mount("tmp").get("mountPath"));
        assertNotNull(r.volume("tmp").get("emptyDir"));
    }

    @Test
    void secretsAreReferencedNeverRendered() throws Exception {
        ChartRender r = render("""
                slack:
                  existingSecret: slack-tokens
                ssh:
                  existingSecret: triage-ssh
                """);
        assertFalse(r.kinds().contains("Secret"));
        Map<String, Object> bot = r.env("SLACK_BOT_TOKEN");
        assertEquals("slack-tokens", at(bot, "valueFrom", "secretKeyRef", "name"));
        assertNull(at(bot, "valueFrom", "secretKeyRef", "optional"), "the bot token is required");
        assertEquals(true, at(r.env("SLACK_APP_TOKEN"), "valueFrom", "secretKeyRef", "optional"));
        assertEquals(true, at(r.env("SLACK_SIGNING_SECRET"), "valueFrom", "secretKeyRef", "optional"));
        for (Object e : list(r.container().get("env"))) {
            assertFalse(map(e).get("name").toString().startsWith("SLACK_") && map(e).containsKey("value"),
                    "a Slack secret as a literal value: " + e);
        }
        // The key and known_hosts: read-only, 0440 (fsGroup lets uid 10001 read them, nobody else).
        assertEquals("/etc/triagebot/ssh", r.mount("ssh").get("mountPath"));
        assertEquals(true, r.mount("ssh").get("readOnly"));
        Map<String, Object> projected = map(r.volume("ssh").get("projected"));
        assertEquals(0440, projected.get("defaultMode"));
        Map<String, Object> secret = map(map(list(projected.get("sources")).get(0)).get("secret"));
        assertEquals("triage-ssh", secret.get("name"));
        assertEquals(List.of("id_ed25519", "known_hosts"),
                list(secret.get("items")).stream().map(i -> map(i).get("key")).toList());
    }

    @Test
    void withoutExistingSecretNamesTheChartReferencesReleaseNamedOnes() throws Exception {
        ChartRender r = render("");
        assertEquals(FULLNAME + "-slack", at(r.env("SLACK_BOT_TOKEN"), "valueFrom", "secretKeyRef", "name"));
        assertFalse(list(r.container().get("env")).stream().anyMatch(e -> "TRIAGEBOT_DB_PASSWORD".equals(map(e).get("name"))));
    }

    @Test
    void theGeneratedSshConfigPointsAtTheMountedKey() throws Exception {
        ChartRender r = render("""
                ssh:
                  keyFile: triage_key
                  user: oncall
                  extraConfig: |
                    Host db-*
                      ProxyJump bastion.example.com
                """);
        String sshConfig = (String) at(r.get("ConfigMap", FULLNAME), "data", "ssh_config");
        assertTrue(sshConfig.contains("IdentityFile /etc/triagebot/ssh/triage_key\n"), sshConfig);
        assertTrue(sshConfig.contains("UserKnownHostsFile /etc/triagebot/ssh/known_hosts\n"), sshConfig);
        assertTrue(sshConfig.contains("StrictHostKeyChecking yes\n"), sshConfig);
        assertTrue(sshConfig.contains("User oncall\n"), sshConfig);
        // OpenSSH keeps the first value it reads: site lines must come before Host *.
        assertTrue(sshConfig.indexOf("ProxyJump bastion") < sshConfig.indexOf("Host *"), sshConfig);
        assertEquals("/etc/triagebot/ssh/ssh_config", at(r.botConfig(), "ssh", "config"));
    }

    @Test
    void anSshConfigFromTheSecretReplacesTheGeneratedOne() throws Exception {
        ChartRender r = render("ssh:\n  configFromSecret: true\n");
        assertNull(at(r.get("ConfigMap", FULLNAME), "data", "ssh_config"));
        Map<String, Object> secret = map(r.volume("ssh").get("secret"));
        assertEquals(FULLNAME + "-ssh", secret.get("secretName"));
        assertEquals(0440, secret.get("defaultMode"));
        assertEquals("/etc/triagebot/ssh/ssh_config", at(r.botConfig(), "ssh", "config"));
    }

    @Test
    void theBotConfigParsesAndCarriesTheValues() throws Exception {
        Map<String, Object> config = render("""
                slack:
                  allowedChannels: [C0123ABCD]
                approval:
                  approvers: [U0AAAA111, U0BBBB222]
                  expiryMinutes: 30
                triage:
                  concurrency: 8
                """).botConfig();
        assertEquals(List.of("U0AAAA111", "U0BBBB222"), at(config, "approval", "approvers"));
        assertEquals(30, at(config, "approval", "expiryMinutes"));
        assertEquals(false, at(config, "approval", "allowSelfApproval"));
        assertEquals(List.of("C0123ABCD"), at(config, "slack", "allowedChannels"));
        assertEquals(3000, at(config, "slack", "httpPort"));
        assertEquals(8, at(config, "triage", "concurrency"));
        assertEquals(10, at(config, "triage", "deadline"));
        assertEquals("/var/lib/triagebot", config.get("dataDir"));
        // H2 is what an absent database section means; no override directories unless given.
        assertNull(config.get("database"));
        assertNull(config.get("commands"));
        assertNull(config.get("runbooks"));
    }

    @Test
    void theBotsLoaderAcceptsTheRenderedConfig() throws Exception {
        Map<String, Object> config = render(POSTGRES + "triage:\n  window: 2\n  deadline: 12\n"
                + "approval:\n  approvers: [U0AAAA111]\n  expiryMinutes: 30\n").botConfig();
        Path file = dir.resolve("triagebot.yaml");
        Files.writeString(file, new Yaml().dump(config));
        BotConfig bot = BotConfigLoader.load(file,
                Map.of("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s3cret", "HOME", "/nonexistent"),
                null, null);
        assertEquals(3000, bot.httpPort());
        assertEquals(9090, bot.opsPort());
        assertEquals(12_000, bot.deadline().toMillis());
        assertEquals(Path.of("/var/lib/triagebot"), bot.dataDir());
        assertEquals(Path.of("/etc/triagebot/ssh/ssh_config"), bot.sshConfig());
        assertTrue(bot.database().isPostgres());
        assertEquals(java.util.Set.of("U0AAAA111"), bot.approval().approvers());
        assertEquals(30, bot.approval().ttl().toMinutes());
    }

    @Test
    void aConfigChangeRollsThePods() throws Exception {
        Object before = at(render("").deployment(), "spec", "template", "metadata", "annotations", "checksum/config");
        Object after = at(render("triage:\n  concurrency: 5\n").deployment(),
                "spec", "template", "metadata", "annotations", "checksum/config");
        assertNotNull(before);
        assertNotEquals(before, after);
    }

    @Test
    void severalReplicasWithoutPostgresqlRefuseToRender() {
        String message = renderError("replicaCount: 2\n");
        assertTrue(message.contains("replicaCount=2 needs PostgreSQL: set database.url (jdbc:postgresql://...);"
                + " the embedded H2 database belongs to one pod"), message);
    }

    @Test
    void severalReplicasWithPostgresqlRollAndKeepOneUp() throws Exception {
        ChartRender r = render(POSTGRES);
        assertEquals(2, at(r.deployment(), "spec", "replicas"));
        assertEquals("RollingUpdate", at(r.deployment(), "spec", "strategy", "type"));
        assertEquals(1, at(r.get("PodDisruptionBudget", FULLNAME), "spec", "minAvailable"));
        // No H2 file to keep: no claim, the data dir is scratch.
        assertFalse(r.kinds().contains("PersistentVolumeClaim"));
        assertNotNull(r.volume("data").get("emptyDir"));
        assertEquals(Map.of("url", "jdbc:postgresql://db.internal:5432/triagebot", "user", "triagebot"),
                r.botConfig().get("database"));
        Map<String, Object> password = r.env("TRIAGEBOT_DB_PASSWORD");
        assertEquals("triagebot-db", at(password, "valueFrom", "secretKeyRef", "name"));
        assertEquals("TRIAGEBOT_DB_PASSWORD", at(password, "valueFrom", "secretKeyRef", "key"));
    }

    @Test
    void aSinglePodNeverBlocksANodeDrain() throws Exception {
        Map<String, Object> spec = map(render("").get("PodDisruptionBudget", FULLNAME).get("spec"));
        assertEquals(1, spec.get("maxUnavailable"));
        assertNull(spec.get("minAvailable"));
    }

    @Test
    void theServiceMonitorIsRenderedOnlyWhenEnabled() throws Exception {
        assertFalse(render("").kinds().contains("ServiceMonitor"));
        ChartRender r = render("metrics:\n  serviceMonitor:\n    enabled: true\n    labels:\n      release: prom\n");
        Map<String, Object> sm = r.get("ServiceMonitor", FULLNAME);
        assertEquals("monitoring.coreos.com/v1", sm.get("apiVersion"));
        assertEquals("prom", at(sm, "metadata", "labels", "release"));
        Map<String, Object> endpoint = map(list(at(sm, "spec", "endpoints")).get(0));
        assertEquals("ops", endpoint.get("port"));
        assertEquals("/metrics", endpoint.get("path"));
    }

    @Test
    void siteCatalogsAreMountedAsDirectoriesAndNamedInTheConfig() throws Exception {
        ChartRender r = render("""
                commands:
                  cpu.yaml: |
                    probes: []
                runbooks:
                  memory.yaml: |
                    runbooks: []
                """);
        for (String kind : List.of("commands", "runbooks")) {
            String dirPath = "/etc/triagebot/" + kind;
            assertEquals(dirPath, r.botConfig().get(kind));
            assertEquals(dirPath, r.mount(kind).get("mountPath"));
            assertEquals(true, r.mount(kind).get("readOnly"));
            assertEquals(FULLNAME + "-" + kind, at(r.volume(kind), "configMap", "name"));
        }
        assertEquals("probes: []\n", at(r.get("ConfigMap", FULLNAME + "-commands"), "data", "cpu.yaml"));
        assertEquals("runbooks: []\n", at(r.get("ConfigMap", FULLNAME + "-runbooks"), "data", "memory.yaml"));
        ChartRender none = render("");
        assertFalse(none.hasVolume("commands"));
        assertFalse(none.hasVolume("runbooks"));
    }

    @Test
    void theNotesNameTheSecretsToCreate() {
        // helm template leaves NOTES.txt out; a client-only dry-run install renders it without a cluster.
        String output = new Helm(ChartRender.CHART).install().withName(ChartRender.RELEASE).withNamespace("ops")
                .dryRun().withDryRunOption(DryRun.CLIENT).clientOnly().set("database.existingSecret", "triagebot-db")
                .call().getOutput();
        assertTrue(output.contains(FULLNAME + "-slack: SLACK_BOT_TOKEN"), output);
        assertTrue(output.contains(FULLNAME + "-ssh: id_ed25519, known_hosts"), output);
        assertTrue(output.contains("triagebot-db: TRIAGEBOT_DB_PASSWORD"), output);
        assertTrue(output.contains("/slack/events"), output);
    }

    @Test
    void theSchemaRejectsBadValues() {
        assertTrue(renderError("replicaCount: two\n").contains("/replicaCount"));
        assertTrue(renderError("replicaCount: 0\n").contains("/replicaCount"));
        assertTrue(renderError("replicas: 2\n").contains("'replicas' not allowed"));
        assertTrue(renderError("logging:\n  format: xml\n").contains("/logging/format"));
        assertTrue(renderError("database:\n  url: jdbc:mysql://db/triagebot\n").contains("/database/url"));
        assertTrue(renderError("approval:\n  approvers: [alice]\n").contains("/approval/approvers"));
        assertTrue(renderError("triage:\n  concurrency: 0\n").contains("/triage/concurrency"));
    }
}
