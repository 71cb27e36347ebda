package io.triagebot.analysis.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Status;
import io.triagebot.testsupport.SyntheticHost;
import java.util.List;

/** Small assertions shared by the detector tests (inputs are synthetic unit hosts, see SyntheticHost). */
final class Check {

    private Check() {
    }

    static List<Finding> run(Detector d, SyntheticHost host) {
        return d.detect(host.context());
    }

    static Finding one(Detector d, SyntheticHost host) {
        List<Finding> found = run(d, host);
        assertEquals(1, found.size(), () -> "expected one finding, got " + found);
        Finding f = found.get(0);
        assertEquals(d.pattern(), f.pattern());
        return f;
    }

    static void none(Detector d, SyntheticHost host) {
        List<Finding> found = run(d, host);
        assertTrue(found.isEmpty(), () -> "expected no finding, got " + found);
    }

    static void is(Finding f, Severity severity, Status status) {
        assertEquals(severity, f.severity(), () -> "severity of " + describe(f));
        assertEquals(status, f.status(), () -> "status of " + describe(f));
    }

    static void evidence(Finding f, String text) {
        assertTrue(f.evidence().stream().anyMatch(e -> e.contains(text)), () -> "no evidence containing '" + text + "' in "
                + describe(f));
    }

    static void command(Finding f, String text) {
        assertTrue(f.nextCommands().stream().anyMatch(e -> e.contains(text)), () -> "no command containing '" + text
                + "' in " + f.nextCommands());
    }

    static RunbookSuggestion runbook(Finding f, String id) {
        return f.runbooks().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseGet(() -> fail("no runbook " + id + " in " + f.runbooks()));
    }

    static void noRunbook(Finding f, String id) {
        assertTrue(f.runbooks().stream().noneMatch(r -> r.id().equals(id)), () -> "unexpected runbook " + id + " in " + f.runbooks());
    }

    static String describe(Finding f) {
        return f.severity() + " " + f.status() + " " + f.title() + "\n  " + f.impact() + "\n  " + String.join("\n  ", f.evidence());
    }
}
