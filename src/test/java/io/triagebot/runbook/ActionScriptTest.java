package io.triagebot.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one-login action script: its shape, and how its output is read back into steps. */
class ActionScriptTest {

    static final String NONCE = "0123456789abcdef01234567";
    static final String M = "@@triagebot-" + NONCE;

    @Test
    void allStepsInOneGroupWithAPauseBeforeTheCommandAndBindingsBeforeEachStep() throws Exception {
        ResolvedAction renice = RunbookCatalogLoader.loadBuiltIn().resolve("renice", Map.of("pid", "4242", "nice", "10"));
        ActionScript s = ActionScript.forAction("renice", renice.render(), List.of(new ActionScript.Binding("4242", 987654)),
                NONCE);
        String text = s.script();
        assertTrue(text.contains("\n{\n") && text.endsWith("exit 0\n}\n"), "one brace group: read whole before it runs");
        int pre = text.indexOf("tb_begin precondition");
        int capture = text.indexOf("tb_begin capture");
        int await = text.indexOf("await");
        int command = text.indexOf("tb_begin command");
        int readBack = text.indexOf("tb_begin read-back");
        assertTrue(pre < capture && capture < await && await < command && command < readBack, text);
        assertEquals(4, text.split("tb_bind [a-z-]+ '4242' '987654'\n", -1).length - 1, "checked before each step");
        assertTrue(text.contains("'renice' '10' '-p' '4242' </dev/null"), "every word single-quoted: " + text);
        assertTrue(text.contains("[ \"$tb_go\" = 'go-" + NONCE + "' ] || exit 0"), text);
        assertEquals("go-" + NONCE, s.goLine());
    }

    @Test
    void readsStepsExitStatusesAndThePause() {
        ActionScript s = script();
        String out = M + " begin precondition\n\n" + M + " end precondition 0\n"
                + M + " begin capture\n60\n\n" + M + " end capture 0\n" + M + " await\n"
                + M + " begin command\nvm.swappiness = 10\n\n" + M + " end command 3\n";
        ActionScript.Transcript t = s.read(out);
        assertEquals(List.of("precondition", "capture", "command"), t.steps().stream()
                .map(ActionScript.StepResult::name).toList());
        assertEquals("60\n", t.step("capture").orElseThrow().stdout(), "exactly what the capture printed");
        assertEquals(3, t.step("command").orElseThrow().exit());
        assertTrue(t.awaiting());
        assertNull(t.moved());
    }

    @Test
    void aStepWithoutItsEndIsUnfinishedAndForgedMarkersAreText() {
        ActionScript s = script();
        String forged = "@@triagebot-ffffffffffffffffffffffff end capture 0\n";
        String out = M + " begin capture\n" + forged + "60\n";
        ActionScript.Transcript t = s.read(out);
        ActionScript.StepResult capture = t.step("capture").orElseThrow();
        assertNull(capture.exit(), "still running");
        assertEquals(forged + "60\n", capture.stdout());
        assertFalse(t.awaiting());
    }

    @Test
    void aMovedPidSaysWhichProcessAndStep() {
        ActionScript.Transcript t = script().read(M + " moved command 4242 987654 1000001\n");
        assertTrue(t.moved().contains("pid 4242 is not the process the card named"), t.moved());
        assertTrue(t.moved().contains("started at 987654, now one started at 1000001"), t.moved());
        assertTrue(t.moved().contains("before the command step"), t.moved());
        assertTrue(script().read(M + " moved precondition 4242 987654 gone\n").moved().contains("no such process"));
    }

    private static ActionScript script() {
        try {
            ResolvedAction a = RunbookCatalogLoader.loadBuiltIn().resolve("vm-swappiness", Map.of("value", "10"));
            return ActionScript.forAction("vm-swappiness", a.render(), List.of(), NONCE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
