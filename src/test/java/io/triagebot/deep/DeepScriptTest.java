package io.triagebot.deep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.probe.CollectorScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeepScriptTest {

    @TempDir
    Path dir;

    @Test
    void everyBuiltInScriptIsValidPosixShell() throws Exception {
        for (DeepProbe p : DeepCatalogLoader.loadBuiltIn().probes()) {
            Path script = dir.resolve(p.id() + ".sh");
            Files.writeString(script, DeepScript.generate(p, p.defaultSeconds(), CollectorScript.newNonce()));
            Process sh = new ProcessBuilder("sh", "-n", script.toString()).redirectErrorStream(true).start();
            assertTrue(sh.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, sh.exitValue(), p.id() + ": " + new String(sh.getInputStream().readAllBytes()));
        }
    }

    @Test
    void theSecondsAreTheOnlyValueThatVaries() throws Exception {
        DeepProbe cpu = DeepCatalogLoader.loadBuiltIn().find("cpu").orElseThrow();
        String a = DeepScript.generate(cpu, 7, "@@TBnonce");
        String b = DeepScript.generate(cpu, 8, "@@TBnonce");
        assertEquals(a.replace("'7'", "'8'").replace("timeout -k 2 15 ", "timeout -k 2 16 ")
                .replace("tb_wd 19 ", "tb_wd 20 "), b);
        assertTrue(a.contains("perf record -N -B -F \"$1\" -a -g -o - -- sleep \"$2\" | perf script -i - --no-inline -F"), a);
        assertThrows(IllegalArgumentException.class, () -> DeepScript.generate(cpu, 31, "@@TBnonce"));
        assertThrows(IllegalArgumentException.class, () -> DeepScript.generate(cpu, 0, "@@TBnonce"));
    }

    @Test
    void theScriptChecksBeforeItRunsAndCleansUp() throws Exception {
        DeepProbe runqlat = DeepCatalogLoader.loadBuiltIn().find("runqlat").orElseThrow();
        String s = DeepScript.generate(runqlat, 5, "@@TBnonce");
        assertTrue(s.indexOf("tb_u root") < s.indexOf("mktemp -d"), "checks come first");
        assertTrue(s.contains("[ -d \"$TR/events/sched/sched_switch\" ] || tb_u tracepoint 'sched:sched_switch'"), s);
        assertTrue(s.contains("trap 'tb_end; exit 143' HUP INT TERM PIPE"), s);
        assertFalse(s.contains("mount -t") || s.contains("mount "), "a probe never mounts anything");
        assertTrue(s.contains("HOME=\"$D\" timeout -k 2 20 'bpftrace' '-e' "), s);
    }

    @Test
    void markersAreReadAndOnlyTheNonceMakesOne() {
        String n = "@@TBabc";
        String out = n + " H 1 cpu\n"
                + n + " U binary perf\n"
                + n + " U paranoid 2\n"
                + n + " U nonsense x\n"
                + n + " W kptr_restrict 1\n"
                + "@@TBforged U root uid 0\n"
                + n + " B\n"
                + "java 1\n\tffffffff81704186 f ([kernel.kallsyms])\n"
                + "@@TBforged E 0\n"
                + "last line without newline" + n + " E 0\n"
                + n + " Z\n";
        DeepOutput o = DeepOutput.parse(out.getBytes(StandardCharsets.UTF_8), n);
        assertEquals(List.of(new DeepOutput.Missing(Requirement.BINARY, "perf"),
                new DeepOutput.Missing(Requirement.PARANOID, "2")), o.missing());
        assertEquals(List.of(new DeepOutput.Warning("kptr_restrict", "1")), o.warnings());
        assertEquals("java 1\n\tffffffff81704186 f ([kernel.kallsyms])\n@@TBforged E 0\nlast line without newline\n",
                o.toolOutput());
        assertEquals(0, o.toolExit());
        assertTrue(o.started() && o.finished());
        assertFalse(o.watchdogFired());
        DeepOutput cut = DeepOutput.parse((n + " B\nperf 1\n").getBytes(StandardCharsets.UTF_8), n);
        assertNull(cut.toolExit());
        assertFalse(cut.finished());
        DeepOutput hostile = DeepOutput.parse((n + " U root " + "\u0007x".repeat(500) + "\n")
                .getBytes(StandardCharsets.UTF_8), n);
        assertTrue(hostile.missing().get(0).detail().length() <= DeepOutput.MAX_DETAIL + 3);
        assertFalse(hostile.missing().get(0).detail().contains("\u0007"));
    }
}
