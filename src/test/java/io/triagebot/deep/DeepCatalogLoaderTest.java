package io.triagebot.deep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.probe.ProbeCatalog;
import io.triagebot.probe.ProbeCatalogLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeepCatalogLoaderTest {

    @TempDir
    Path dir;

    @Test
    void builtInCatalogHasEveryKindWithItsBoundsAndRequirements() throws Exception {
        DeepCatalog catalog = DeepCatalogLoader.loadBuiltIn();
        assertEquals(List.of("biolat", "cpu", "offcpu", "pagefaults", "runqlat", "tcpretrans"), catalog.ids());
        DeepProbe cpu = catalog.find("cpu").orElseThrow();
        assertEquals(Tool.PERF, cpu.tool());
        assertEquals(99, cpu.frequency());
        assertEquals(10, cpu.defaultSeconds());
        assertEquals(30, cpu.maxSeconds());
        assertEquals(0, cpu.requirements().maxParanoid());
        assertFalse(cpu.requirements().root());
        DeepProbe runqlat = catalog.find("runqlat").orElseThrow();
        assertEquals(List.of("sched:sched_wakeup", "sched:sched_wakeup_new", "sched:sched_switch"),
                runqlat.requirements().tracepoints());
        assertTrue(runqlat.requirements().root() && runqlat.requirements().tracefs());
        assertEquals(List.of("block:block_rq_issue", "block:block_rq_complete"),
                catalog.find("biolat").orElseThrow().requirements().tracepoints());
        assertEquals(List.of("tcp:tcp_retransmit_skb"), catalog.find("tcpretrans").orElseThrow().requirements().tracepoints());
        assertFalse(catalog.find("pagefaults").orElseThrow().requirements().tracefs());
        for (DeepProbe p : catalog.probes()) {
            assertTrue(p.maxSeconds() <= 30, p.id());
            assertTrue(p.explanations().containsKey(Requirement.BINARY), p.id());
            assertFalse(p.overhead().isBlank() || p.privileges().isBlank() || p.sampling().isBlank(), p.id());
        }
    }

    @Test
    void repositoryCopyLoadsAndMatchesTheBuiltInOne() throws Exception {
        Path repo = Path.of(System.getProperty("triagebot.projectDir", "."), "commands", "deep");
        assertEquals(DeepCatalogLoader.loadBuiltIn().ids(), DeepCatalogLoader.load(repo).ids());
    }

    @Test
    void theProbeCatalogLoaderNeverReadsTheDeepSubdirectory() throws Exception {
        Path repo = Path.of(System.getProperty("triagebot.projectDir", "."), "commands");
        ProbeCatalog probes = ProbeCatalogLoader.load(repo);
        for (String deep : DeepCatalogLoader.loadBuiltIn().ids()) {
            assertTrue(probes.find(deep).isEmpty(), deep);
        }
        // A deep file is not a valid probe file: were it read, loading would fail.
        Files.writeString(dir.resolve("cpu.yaml"), """
                subsystem: cpu
                probes:
                  - id: stat
                    description: CPU counters
                    kind: counter
                    files: [/proc/stat]
                """);
        Files.createDirectories(dir.resolve("deep"));
        Files.copy(repo.resolve("deep").resolve("cpu.yaml"), dir.resolve("deep").resolve("cpu.yaml"));
        assertEquals(List.of("stat"), ProbeCatalogLoader.load(dir).ids());
    }

    @Test
    void unknownKeyNamesFileAndLine() throws Exception {
        String text = perf().replace("grace: 8\n", "grace: 8\nsudo: true\n");
        DeepCatalogException e = load("cpu", text);
        assertTrue(e.getMessage().matches(".*cpu\\.yaml:\\d+: unknown key 'sudo'.*"), e.getMessage());
    }

    @Test
    void kprobesUprobesAndShortFormsAreRefused() throws Exception {
        for (String probe : List.of("kprobe:do_sys_open", "kretprobe:vfs_read", "uprobe:/bin/bash:readline",
                "k:vfs_read", "usdt:/usr/bin/x:probe", "kfunc:vfs_read", "hardware:cache-misses:1000")) {
            DeepCatalogException e = load("runqlat", bpftrace(probe + " { @usecs = hist(1); }"));
            assertTrue(e.getMessage().contains("is not allowed") && e.getMessage().contains("never kprobes"),
                    probe + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("runqlat.yaml:"), e.getMessage());
        }
    }

    @Test
    void functionsThatActOrReadFilesAreRefused() throws Exception {
        for (String call : List.of("system(\"reboot\")", "cat(\"/etc/shadow\")", "signal(9)", "override(0)")) {
            DeepCatalogException e = load("runqlat", bpftrace("software:page-faults:1 { " + call + "; @usecs = hist(1); }"));
            assertTrue(e.getMessage().contains("is not allowed in a deep probe"), call + ": " + e.getMessage());
        }
    }

    @Test
    void commentsMaySayAnythingButCodeMayNot() throws Exception {
        DeepCatalog ok = loadOk("runqlat", bpftrace("// kprobe: never; system() neither\nsoftware:page-faults:1"
                + " { @usecs = hist(1); }").replace("  tracefs: true\n", "").replace(tracefsExplanations(), ""));
        assertTrue(ok.find("runqlat").isPresent());
    }

    @Test
    void wildcardTracepointsAndOtherParametersAreRefused() throws Exception {
        assertTrue(load("runqlat", bpftrace("tracepoint:sched:sched_* { @usecs = hist(1); }")).getMessage()
                .contains("named in full"));
        assertTrue(load("runqlat", bpftrace("tracepoint:sched:sched_switch { @usecs = hist($2); }")).getMessage()
                .contains("the only parameter is $1"));
    }

    @Test
    void aProgramMustEndItself() throws Exception {
        String text = bpftrace("tracepoint:sched:sched_switch { @usecs = hist(1); }")
                .replace("  interval:s:$1 { exit(); }\n", "");
        assertTrue(load("runqlat", text).getMessage().contains("must end itself"));
    }

    @Test
    void tracepointsNeedTracefsAndItsExplanations() throws Exception {
        String noTracefs = bpftrace("tracepoint:sched:sched_switch { @usecs = hist(1); }").replace("  tracefs: true\n", "");
        assertTrue(load("runqlat", noTracefs).getMessage().contains("declare tracefs: true"));
        String noExplanation = bpftrace("tracepoint:sched:sched_switch { @usecs = hist(1); }")
                .replace("  tracepoint: \"no such tracepoint\"\n", "");
        assertTrue(load("runqlat", noExplanation).getMessage().contains("missing required key 'tracepoint'"));
    }

    @Test
    void anExplanationForARequirementTheProbeLacksIsRefused() throws Exception {
        String text = perf().replace("unavailable:\n", "unavailable:\n  btf: \"no BTF\"\n");
        assertTrue(load("cpu", text).getMessage().contains("'btf' explains a requirement this probe does not have"));
    }

    @Test
    void perfSamplingAndDurationsAreBounded() throws Exception {
        assertTrue(load("cpu", perf().replace("frequency: 99", "frequency: 1000")).getMessage()
                .contains("'frequency' must be between 49 and 99"));
        assertTrue(load("cpu", perf().replace("max: 30", "max: 600")).getMessage()
                .contains("'max' must be between 1 and 30"));
        assertTrue(load("cpu", perf().replace("default: 10", "default: 40")).getMessage()
                .contains("'default' must be between 1 and 30"));
    }

    @Test
    void theFileIsNamedAfterItsId() throws Exception {
        Files.writeString(dir.resolve("profile.yaml"), perf());
        DeepCatalogException e = assertThrows(DeepCatalogException.class, () -> DeepCatalogLoader.load(dir));
        assertTrue(e.getMessage().contains("expected cpu.yaml"), e.getMessage());
    }

    @Test
    void secondsAreCheckedAgainstTheEntry() throws Exception {
        DeepProbe cpu = DeepCatalogLoader.loadBuiltIn().find("cpu").orElseThrow();
        assertEquals(10, cpu.checkSeconds(null));
        assertEquals(30, cpu.checkSeconds(30));
        assertEquals(1, cpu.checkSeconds(1));
        for (int bad : new int[] {0, -1, 31, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.checkSeconds(bad));
            assertTrue(e.getMessage().contains("1 to 30 seconds"), e.getMessage());
        }
    }

    private DeepCatalogException load(String id, String text) throws IOException {
        Files.writeString(dir.resolve(id + ".yaml"), text);
        return assertThrows(DeepCatalogException.class, () -> DeepCatalogLoader.load(dir));
    }

    private DeepCatalog loadOk(String id, String text) throws Exception {
        Files.writeString(dir.resolve(id + ".yaml"), text);
        return DeepCatalogLoader.load(dir);
    }

    static String perf() {
        return """
                id: cpu
                title: CPU profile
                description: samples stacks
                tool: perf
                output: stacks
                frequency: 99
                sampling: 99 Hz
                weight: samples
                seconds: {default: 10, max: 30}
                grace: 8
                overhead: about 1%
                privileges: root
                requires:
                  binary: perf
                  root: false
                  perfEventParanoid: 0
                unavailable:
                  binary: "install perf"
                  paranoid: "lower it"
                """;
    }

    static String bpftrace(String probe) {
        return """
                id: runqlat
                title: Run-queue latency
                description: waits
                tool: bpftrace
                output: histogram
                map: usecs
                unit: microseconds
                sampling: every switch
                weight: wake-ups
                seconds: {default: 10, max: 30}
                grace: 8
                overhead: small
                privileges: root
                program: |
                  %s
                  interval:s:$1 { exit(); }
                requires:
                  binary: bpftrace
                  root: true
                  tracefs: true
                unavailable:
                  binary: "install bpftrace"
                  root: "be root"
                """.formatted(probe.replace("\n", "\n  ")) + tracefsExplanations();
    }

    static String tracefsExplanations() {
        return "  tracefs: \"mount tracefs\"\n  tracepoint: \"no such tracepoint\"\n";
    }
}
