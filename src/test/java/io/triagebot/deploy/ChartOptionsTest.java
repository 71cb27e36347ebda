package io.triagebot.deploy;

import static io.triagebot.deploy.ChartRender.FULLNAME;
import static io.triagebot.deploy.ChartRender.at;
import static io.triagebot.deploy.ChartRender.list;
import static io.triagebot.deploy.ChartRender.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart's optional parts: image digest, service account, Ingress, NetworkPolicy. */
class ChartOptionsTest {

    private static final String ENABLED = "networkPolicy:\n  enabled: true\n";
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @TempDir
    Path dir;

    @Test
    void aDigestPinsTheImageWhateverTheTagSays() throws Exception {
        assertEquals("triagebot:0.1.0", ChartRender.of(dir, "").container().get("image"));
        ChartRender pinned = ChartRender.of(dir, "image:\n  repository: registry.example/triagebot\n"
                + "  tag: 1.4.2\n  digest: " + DIGEST + "\n");
        assertEquals("registry.example/triagebot:1.4.2@" + DIGEST, pinned.container().get("image"));
        assertTrue(ChartRender.errorOf(dir, "image:\n  digest: latest\n").contains("/image/digest"));
        assertTrue(ChartRender.errorOf(dir, "image:\n  digest: sha256:abc\n").contains("/image/digest"));
    }

    @Test
    void noServiceAccountAndNoTokenUnlessAsked() throws Exception {
        ChartRender r = ChartRender.of(dir, "");
        assertFalse(r.kinds().contains("ServiceAccount"));
        assertNull(r.podSpec().get("serviceAccountName"), "the namespace default");
        assertEquals(false, r.podSpec().get("automountServiceAccountToken"));
        // The old top-level key is gone; the schema says so rather than ignoring it.
        assertTrue(ChartRender.errorOf(dir, "serviceAccountName: bot\n").contains("'serviceAccountName' not allowed"));
    }

    @Test
    void aCreatedServiceAccountIsUsedAnnotatedAndStillHasNoToken() throws Exception {
        ChartRender r = ChartRender.of(dir, """
                serviceAccount:
                  create: true
                  annotations:
                    iam.gke.io/gcp-service-account: triage@example.iam.gserviceaccount.com
                """);
        Map<String, Object> account = r.get("ServiceAccount", FULLNAME);
        assertEquals("triage@example.iam.gserviceaccount.com",
                at(account, "metadata", "annotations", "iam.gke.io/gcp-service-account"));
        assertEquals(false, account.get("automountServiceAccountToken"));
        assertEquals(FULLNAME, r.podSpec().get("serviceAccountName"));
        assertFalse(r.kinds().contains("Role") || r.kinds().contains("RoleBinding"), "the bot needs no API access");

        ChartRender existing = ChartRender.of(dir, "serviceAccount:\n  name: shared-bots\n");
        assertFalse(existing.kinds().contains("ServiceAccount"), "an existing account is referenced, not created");
        assertEquals("shared-bots", existing.podSpec().get("serviceAccountName"));
    }

    @Test
    void theIngressRoutesSlacksPathAndNothingElse() throws Exception {
        assertFalse(ChartRender.of(dir, "").kinds().contains("Ingress"));
        Map<String, Object> ingress = ChartRender.of(dir, """
                ingress:
                  enabled: true
                  className: nginx
                  annotations:
                    cert-manager.io/cluster-issuer: letsencrypt
                  hosts: [triage.example.com]
                  tls:
                    - secretName: triagebot-tls
                      hosts: [triage.example.com]
                """).get("Ingress", FULLNAME);
        assertEquals("nginx", at(ingress, "spec", "ingressClassName"));
        assertEquals("letsencrypt", at(ingress, "metadata", "annotations", "cert-manager.io/cluster-issuer"));
        assertEquals("triagebot-tls", map(list(at(ingress, "spec", "tls")).get(0)).get("secretName"));
        List<Object> rules = list(at(ingress, "spec", "rules"));
        assertEquals(1, rules.size());
        assertEquals("triage.example.com", map(rules.get(0)).get("host"));
        List<Object> paths = list(at(rules.get(0), "http", "paths"));
        assertEquals(1, paths.size(), "only Slack's path: /metrics and /readyz must not be public");
        Map<String, Object> path = map(paths.get(0));
        assertEquals("/slack/events", path.get("path"));
        assertEquals("Exact", path.get("pathType"));
        assertEquals(FULLNAME, at(path, "backend", "service", "name"));
        assertEquals("http", at(path, "backend", "service", "port", "name"));
    }

    @Test
    void theNotesGiveTheRequestUrlTheIngressServes() {
        String output = new Helm(ChartRender.CHART).install().withName(ChartRender.RELEASE).withNamespace("ops")
                .dryRun().withDryRunOption(DryRun.CLIENT).clientOnly().set("ingress.enabled", "true")
                .set("ingress.hosts[0]", "triage.example.com").call().getOutput();
        assertTrue(output.contains("request URL at https://triage.example.com/slack/events"), output);
    }

    @Test
    void anIngressWithoutAHostRefusesToRender() {
        String message = ChartRender.errorOf(dir, "ingress:\n  enabled: true\n");
        assertTrue(message.contains("ingress.enabled needs ingress.hosts"), message);
        assertTrue(ChartRender.errorOf(dir, "ingress:\n  hosts: ['https://triage.example.com/']\n")
                .contains("/ingress/hosts"));
    }

    @Test
    void theNetworkPolicyLetsOutOnlyDnsSlackSshAndTheDatabase() throws Exception {
        assertFalse(ChartRender.of(dir, "").kinds().contains("NetworkPolicy"));
        Map<String, Object> h2 = ChartRender.of(dir, ENABLED).get("NetworkPolicy", FULLNAME);
        assertEquals(List.of("Ingress", "Egress"), at(h2, "spec", "policyTypes"));
        assertEquals(Map.of("app.kubernetes.io/name", "triagebot", "app.kubernetes.io/instance", "tb"),
                at(h2, "spec", "podSelector", "matchLabels"));
        assertEquals(Set.of("UDP/53", "TCP/53", "TCP/443", "TCP/22"), egressPorts(h2),
                "H2 needs no database traffic");
        List<Object> egress = list(at(h2, "spec", "egress"));
        assertEquals(Map.of("k8s-app", "kube-dns"), at(list(map(egress.get(0)).get("to")).get(0), "podSelector",
                "matchLabels"));

        Map<String, Object> postgres = ChartRender.of(dir, """
                replicaCount: 2
                database:
                  url: jdbc:postgresql://db.internal:5432/triagebot
                networkPolicy:
                  enabled: true
                  egress:
                    ssh:
                      to: [{ipBlock: {cidr: 10.20.0.0/16}}]
                      ports: [22, 2222]
                    database:
                      to: [{podSelector: {matchLabels: {app: postgres}}}]
                      ports: [5432]
                """).get("NetworkPolicy", FULLNAME);
        assertEquals(Set.of("UDP/53", "TCP/53", "TCP/443", "TCP/22", "TCP/2222", "TCP/5432"), egressPorts(postgres));
        Map<String, Object> ssh = map(list(at(postgres, "spec", "egress")).get(2));
        assertEquals("10.20.0.0/16", at(list(ssh.get("to")).get(0), "ipBlock", "cidr"));
        Map<String, Object> db = map(list(at(postgres, "spec", "egress")).get(3));
        assertEquals("postgres", at(list(db.get("to")).get(0), "podSelector", "matchLabels", "app"));
    }

    @Test
    void inboundTrafficReachesTheHttpAndOpsPortsOnlyAndFromWhomItIsToldTo() throws Exception {
        List<Object> open = list(at(ChartRender.of(dir, ENABLED).get("NetworkPolicy", FULLNAME),
                "spec", "ingress"));
        assertEquals(2, open.size());
        assertEquals(List.of(Map.of("port", "http", "protocol", "TCP")), map(open.get(0)).get("ports"));
        assertEquals(List.of(Map.of("port", "ops", "protocol", "TCP")), map(open.get(1)).get("ports"));
        assertNull(map(open.get(0)).get("from"), "no sources given: anyone, to that one port");
        assertNull(map(open.get(1)).get("from"), "no sources given: anyone, to that one port");

        List<Object> limited = list(at(ChartRender.of(dir, """
                networkPolicy:
                  enabled: true
                  ingressFrom:
                    - namespaceSelector:
                        matchLabels:
                          kubernetes.io/metadata.name: ingress-nginx
                  opsIngressFrom:
                    - namespaceSelector:
                        matchLabels:
                          kubernetes.io/metadata.name: monitoring
                """).get("NetworkPolicy", FULLNAME), "spec", "ingress"));
        assertEquals("ingress-nginx", at(list(map(limited.get(0)).get("from")).get(0), "namespaceSelector",
                "matchLabels", "kubernetes.io/metadata.name"));
        assertEquals("monitoring", at(list(map(limited.get(1)).get("from")).get(0), "namespaceSelector",
                "matchLabels", "kubernetes.io/metadata.name"));
        assertTrue(ChartRender.errorOf(dir, "networkPolicy:\n  egress:\n    slack:\n      to: []\n      ports: [443]\n")
                .contains("/networkPolicy/egress/slack/to"), "an empty 'to' would mean everywhere");
    }

    private static Set<String> egressPorts(Map<String, Object> policy) {
        return list(at(policy, "spec", "egress")).stream()
                .flatMap(rule -> list(map(rule).get("ports")).stream())
                .map(p -> map(p).get("protocol") + "/" + map(p).get("port"))
                .collect(Collectors.toSet());
    }
}
