package io.triagebot.testsupport;

import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Report;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Status;
import io.triagebot.analysis.Vitals;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A test runbook catalog and a report suggesting it, for tests of how actions run and end. */
public final class TestRunbooks {

    private TestRunbooks() {
    }

    /**
     * A catalog file of one runbook, {@code test-swappiness}: vm.swappiness set with {@code tee} (variant
     * "tee", which a {@link GatedTee} host can hold) or with {@code sysctl -w} ("sysctl", another version of
     * the same runbook); rolled back with sysctl.
     */
    public static String yaml(String variant, int approvals) {
        String command = variant.equals("tee") ? "command: [tee, /proc/sys/vm/swappiness]\n    input: \"{value}\""
                : "command: [sysctl, -w, \"vm.swappiness={value}\"]";
        return """
                subsystem: memory
                runbooks:
                  - id: test-swappiness
                    title: Set vm.swappiness
                    patterns: [swap-death-spiral]
                    parameters:
                      value: {type: integer, min: 0, max: 200, default: 10, description: new vm.swappiness}
                    sudo: true
                    precondition: [test, -w, /proc/sys/vm/swappiness]
                    capture: [sysctl, -n, vm.swappiness]
                    restores: value
                    COMMAND
                    rollback: [sysctl, -w, "vm.swappiness={previous}"]
                    persistence: runtime
                    risk: low
                    production: Test only.
                    dependencies: [nothing]
                    settle: 600
                    approvals: APPROVALS
                """.replace("COMMAND", command).replace("APPROVALS", Integer.toString(approvals));
    }

    /** A report on db-3 whose one finding suggests {@code test-swappiness} with {@code params}. */
    public static Report report(Map<String, String> params) {
        Finding f = new Finding("swap-death-spiral", Severity.CRITICAL, Status.CONFIRMED, "swap storm",
                "swap-in 4,200 pages/s", List.of("pswpin 4,200 pages/s [/proc/vmstat]"), List.of("vmstat 1 5"),
                List.of(new RunbookSuggestion("test-swappiness", params, "test")), "fix", null, 3);
        Vitals v = new Vitals(2, 1, 1, 1, 1, 1, 0, 0, 98, 2, 0, 0, 1000, 500, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 100);
        return new Report("db-3", Severity.CRITICAL, "swap", List.of(), v, List.of(f), List.of(), List.of(),
                List.of(), "vm", "6", Instant.EPOCH, 1, 1, 1);
    }

}
