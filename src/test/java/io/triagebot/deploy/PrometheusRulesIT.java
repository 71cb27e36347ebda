package io.triagebot.deploy;

import static io.triagebot.deploy.ChartRender.FULLNAME;
import static io.triagebot.deploy.ChartRender.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.testsupport.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart's alert rules run by Prometheus' own rule engine ({@code promtool test rules}) against
 * series shaped like the bot's: each alert fires when its condition holds long enough, and stays quiet
 * when it does not. Needs promtool (Debian's prometheus package, which .ci/run installs).
 */
class PrometheusRulesIT {

    private static final String SERIES = "job=\"" + FULLNAME + "\",namespace=\"ops\"";

    @TempDir
    Path dir;

    @Test
    void eachAlertFiresOnItsConditionAndOnlyThen() throws Exception {
        ChartRender r = ChartRender.of(dir, ChartMonitoringTest.RULES_VALUES);
        Map<String, Map<String, Object>> rules = ChartMonitoringTest.rules(r);
        Path rulesFile = dir.resolve("rules.yaml");
        Files.writeString(rulesFile, yaml(Map.of("groups", at(r.get("PrometheusRule", FULLNAME), "spec", "groups"))));
        Promtool.run(null, "check", "rules", rulesFile.toString());

        List<Object> tests = new ArrayList<>();
        // The oldest message ages a minute a minute: past 900 s at minute 16, firing 5 minutes later.
        tests.add(test(List.of(series("triagebot_outbox_oldest_age_seconds{" + SERIES + ",pod=\"a\"}", "0+60x40")),
                check("TriagebotOutboxStuck", "15m"),
                check("TriagebotOutboxStuck", "25m", alert(rules.get("TriagebotOutboxStuck"),
                        Map.of("job", FULLNAME, "namespace", "ops"),
                        "triagebot has not delivered to Slack for 25m 0s"))));
        // Accepted for 5 minutes, refused from then on.
        tests.add(test(List.of(series("triagebot_slack_token_ok{" + SERIES + ",pod=\"a\"}", "1x5 0x20")),
                check("TriagebotSlackTokenRefused", "8m"),
                check("TriagebotSlackTokenRefused", "12m", alert(rules.get("TriagebotSlackTokenRefused"),
                        Map.of("job", FULLNAME, "namespace", "ops", "pod", "a"),
                        "Slack refuses triagebot's token on a"))));
        // One failed triage a minute and nothing reported: all of them fail.
        tests.add(test(List.of(
                series("triagebot_triages_total{" + SERIES + ",outcome=\"failed\",severity=\"none\"}", "0+1x40"),
                series("triagebot_triages_total{" + SERIES + ",outcome=\"reported\",severity=\"LOW\"}", "0x40")),
                check("TriagebotTriagesFailing", "3m"),
                check("TriagebotTriagesFailing", "20m", alert(rules.get("TriagebotTriagesFailing"),
                        Map.of("job", FULLNAME, "namespace", "ops"),
                        "100% of triages failed in the last 30 minutes"))));
        // One failure for three reports: a bad host name now and then, no alert.
        tests.add(test(List.of(
                series("triagebot_triages_total{" + SERIES + ",outcome=\"failed\",severity=\"none\"}", "0+1x40"),
                series("triagebot_triages_total{" + SERIES + ",outcome=\"reported\",severity=\"LOW\"}", "0+3x40")),
                check("TriagebotTriagesFailing", "20m"), check("TriagebotTriagesFailing", "40m")));
        // One action of unknown outcome at minute 10: an alert at once, for as long as the window holds it.
        tests.add(test(List.of(series("triagebot_actions_total{" + SERIES + ",outcome=\"unknown\"}", "0x10 1x40")),
                check("TriagebotActionOutcomeUnknown", "9m"),
                check("TriagebotActionOutcomeUnknown", "12m", alert(rules.get("TriagebotActionOutcomeUnknown"),
                        Map.of("job", FULLNAME, "namespace", "ops"),
                        "A runbook action ran but triagebot cannot say whether it took effect"))));
        // Another release's series never fire this release's alerts.
        tests.add(test(List.of(series("triagebot_slack_token_ok{job=\"other\",namespace=\"ops\",pod=\"b\"}", "0x30")),
                check("TriagebotSlackTokenRefused", "20m")));

        Map<String, Object> file = new LinkedHashMap<>();
        file.put("rule_files", List.of(rulesFile.toString()));
        file.put("evaluation_interval", "1m");
        file.put("tests", tests);
        Path testFile = dir.resolve("rules_test.yaml");
        Files.writeString(testFile, yaml(file));
        String out = Promtool.run(null, "test", "rules", testFile.toString());
        assertTrue(out.contains("SUCCESS"), out);
    }

    private static Map<String, Object> test(List<Object> inputs, Object... checks) {
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("interval", "1m");
        test.put("input_series", inputs);
        test.put("alert_rule_test", List.of(checks));
        return test;
    }

    private static Map<String, Object> series(String name, String values) {
        return Map.of("series", name, "values", values);
    }

    /** The alert must fire at {@code at} exactly as given; with no alert given, it must not fire. */
    private static Map<String, Object> check(String alert, String at, Object... expected) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("eval_time", at);
        check.put("alertname", alert);
        check.put("exp_alerts", List.of(expected));
        return check;
    }

    /** One expected alert: the rule's labels plus the series', its description, and the summary as rendered. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> alert(Map<String, Object> rule, Map<String, String> seriesLabels,
            String summary) {
        Map<String, Object> labels = new LinkedHashMap<>((Map<String, Object>) rule.get("labels"));
        labels.putAll(seriesLabels);
        Map<String, Object> annotations = new LinkedHashMap<>((Map<String, Object>) rule.get("annotations"));
        annotations.put("summary", summary);
        return Map.of("exp_labels", labels, "exp_annotations", annotations);
    }

    private static String yaml(Object o) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(1000);
        return new Yaml(options).dump(o);
    }
}
