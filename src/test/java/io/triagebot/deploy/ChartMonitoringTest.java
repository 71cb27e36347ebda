package io.triagebot.deploy;

import static io.triagebot.deploy.ChartRender.FULLNAME;
import static io.triagebot.deploy.ChartRender.at;
import static io.triagebot.deploy.ChartRender.list;
import static io.triagebot.deploy.ChartRender.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.ops.BotMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the dashboard the chart ships, checked against the metrics the bot really exports,
 * so a renamed metric or a typo in a query fails here rather than as an alert that never fires.
 */
class ChartMonitoringTest {

    /**
     * Metrics and label values the rules and the dashboard use that the bot gains in other work (the UNKNOWN
     * action outcome). Once BotMetrics exports them they are found in the scrape too and these entries
     * change nothing. The outbox age and the token check are exported: they must be found in the scrape.
     */
    static final Set<String> PENDING_METRICS = Set.of();
    static final Set<String> PENDING_OUTCOMES = Set.of("unknown");

    static final String RULES_VALUES = """
            metrics:
              prometheusRule:
                enabled: true
                labels:
                  release: prom
                outboxStuckSeconds: 900
                triageFailureRatio: 0.4
                additionalLabels:
                  team: sre
            """;

    private static final Pattern METRIC = Pattern.compile("\\b(triagebot|jvm|process)_[a-z_]+\\b");
    private static final Pattern OUTCOME = Pattern.compile("outcome=\"([^\"]*)\"");

    @TempDir
    Path dir;

    /** Sample names the bot exports (from a fresh scrape: every known series starts at zero). */
    static Set<String> exported() {
        Set<String> names = new HashSet<>();
        BotMetrics metrics = new BotMetrics(() -> 0);
        // Labelled series appear with their first event.
        metrics.slackApiCall("chat.postMessage", "ok", java.time.Duration.ofMillis(40));
        for (String line : metrics.scrape().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** Alert name to rule, from a render with the rules on. */
    static Map<String, Map<String, Object>> rules(ChartRender r) {
        Map<String, Object> rule = r.get("PrometheusRule", FULLNAME);
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Object group : list(at(rule, "spec", "groups"))) {
            for (Object o : list(map(group).get("rules"))) {
                byName.put((String) map(o).get("alert"), map(o));
            }
        }
        return byName;
    }

    /** Fails when a query names a metric or an outcome the bot does not export (nor will, see PENDING_*). */
    static void assertKnown(String query) {
        Set<String> known = exported();
        known.addAll(PENDING_METRICS);
        Matcher m = METRIC.matcher(query);
        boolean any = false;
        while (m.find()) {
            any = true;
            assertTrue(known.contains(m.group()), m.group() + " is not exported by the bot: " + query);
        }
        assertTrue(any, "a query about no metric of the bot: " + query);
        Set<String> outcomes = new HashSet<>(BotMetrics.TRIAGE_OUTCOMES);
        outcomes.addAll(BotMetrics.ACTION_OUTCOMES);
        outcomes.addAll(PENDING_OUTCOMES);
        Matcher o = OUTCOME.matcher(query);
        while (o.find()) {
            assertTrue(outcomes.contains(o.group(1)), "no outcome " + o.group(1) + ": " + query);
        }
    }

    @Test
    void nothingMonitoringIsRenderedUnlessAsked() throws Exception {
        List<String> kinds = ChartRender.of(dir, "").kinds();
        assertFalse(kinds.contains("PrometheusRule"));
        assertEquals(List.of("ConfigMap"), kinds.stream().filter(k -> k.equals("ConfigMap")).toList(),
                "only the bot's own config: no dashboard");
    }

    @Test
    void theFourAlertsWatchTheBotsOwnSeries() throws Exception {
        ChartRender r = ChartRender.of(dir, RULES_VALUES);
        assertEquals("prom", at(r.get("PrometheusRule", FULLNAME), "metadata", "labels", "release"));
        Map<String, Map<String, Object>> rules = rules(r);
        assertEquals(List.of("TriagebotOutboxStuck", "TriagebotSlackTokenRefused", "TriagebotTriagesFailing",
                "TriagebotActionOutcomeUnknown"), new ArrayList<>(rules.keySet()));
        for (Map.Entry<String, Map<String, Object>> e : rules.entrySet()) {
            String expr = (String) e.getValue().get("expr");
            assertKnown(expr);
            // Every selector of the bot's series is scoped to this release.
            Matcher selectors = Pattern.compile("triagebot_[a-z_]+\\{([^}]*)\\}").matcher(expr);
            int count = 0;
            while (selectors.find()) {
                count++;
                assertTrue(selectors.group(1).startsWith("job=\"" + FULLNAME + "\",namespace=\"ops\""), expr);
            }
            assertTrue(count > 0, expr);
            assertEquals("sre", at(e.getValue(), "labels", "team"), e.getKey());
            assertTrue(List.of("critical", "warning").contains(at(e.getValue(), "labels", "severity")), e.getKey());
            assertTrue(((String) at(e.getValue(), "annotations", "description")).length() > 80,
                    e.getKey() + " says what to do");
        }
        assertTrue(((String) rules.get("TriagebotOutboxStuck").get("expr"))
                .contains("triagebot_outbox_oldest_age_seconds{job=\"tb-triagebot\",namespace=\"ops\"}) > 900"));
        assertTrue(((String) rules.get("TriagebotSlackTokenRefused").get("expr")).contains("triagebot_slack_token_ok"));
        String failing = (String) rules.get("TriagebotTriagesFailing").get("expr");
        assertTrue(failing.contains("outcome=\"failed\"") && failing.contains("> 0.4"), failing);
        assertTrue(((String) rules.get("TriagebotActionOutcomeUnknown").get("expr"))
                .contains("triagebot_actions_total{job=\"tb-triagebot\",namespace=\"ops\",outcome=\"unknown\"}"));
        // Prometheus' own template syntax reaches Prometheus untouched by Helm.
        assertTrue(((String) at(rules.get("TriagebotOutboxStuck"), "annotations", "summary"))
                .contains("{{ $value | humanizeDuration }}"));
    }

    @Test
    void aSiteWithItsOwnScrapeLabelsGivesItsSelector() throws Exception {
        Map<String, Map<String, Object>> rules = rules(ChartRender.of(dir, RULES_VALUES
                + "    selector: 'app=\"triagebot\",env=~\"prod.*\"'\n"));
        for (Map<String, Object> rule : rules.values()) {
            String expr = (String) rule.get("expr");
            assertTrue(expr.contains("{app=\"triagebot\",env=~\"prod.*\""), expr);
            assertFalse(expr.contains("job=\""), expr);
        }
        String message = ChartRender.errorOf(dir, RULES_VALUES + "    selector: 'job=\"x\"} or vector(1) #'\n");
        assertTrue(message.contains("/metrics/prometheusRule/selector"), message);
    }

    @Test
    void theDashboardIsValidJsonForGrafanasSidecarAndQueriesOnlyExportedMetrics() throws Exception {
        ChartRender r = ChartRender.of(dir, """
                metrics:
                  grafanaDashboard:
                    enabled: true
                    annotations:
                      grafana_folder: Incidents
                    namespace: monitoring
                """);
        Map<String, Object> configMap = r.get("ConfigMap", FULLNAME + "-dashboard");
        assertEquals("1", at(configMap, "metadata", "labels", "grafana_dashboard"));
        assertEquals("Incidents", at(configMap, "metadata", "annotations", "grafana_folder"));
        assertEquals("monitoring", at(configMap, "metadata", "namespace"));
        JsonNode dashboard = new ObjectMapper().readTree((String) at(configMap, "data", "triagebot.json"));
        assertEquals("triagebot", dashboard.path("uid").asText());
        Set<String> shown = new HashSet<>();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            assertTrue(panel.path("title").asText().length() > 2 && panel.has("gridPos"), panel.toString());
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertKnown(expr);
                assertTrue(expr.contains("namespace=\"$namespace\",job=\"$job\""), expr);
                Matcher m = METRIC.matcher(expr);
                while (m.find()) {
                    shown.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
                }
                queries++;
            }
        }
        assertTrue(queries >= 10, "queries: " + queries);
        // Every metric the bot exports has a place on the dashboard.
        for (String name : exported()) {
            if (!name.startsWith("triagebot_")) {
                continue; // the JVM's and the process's own: one panel shows the memory that matters
            }
            assertTrue(shown.contains(name.replaceAll("_(bucket|sum|count)$", "")), name + " is on no panel");
        }
        List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertEquals(List.of("datasource", "namespace", "job"), variables);
    }
}
