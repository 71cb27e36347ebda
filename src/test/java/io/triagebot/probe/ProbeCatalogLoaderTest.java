package io.triagebot.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeCatalogLoaderTest {

    @TempDir
    Path dir;

    @Test
    void builtInCatalogCoversTheReferenceSignals() throws Exception {
        ProbeCatalog catalog = ProbeCatalogLoader.loadBuiltIn();
        for (String id : List.of("stat", "loadavg", "meminfo", "vmstat", "pressure-cpu", "pressure-memory",
                "pressure-io", "schedstat", "block-stat", "net-snmp", "net-netstat", "net-dev", "sockstat",
                "softnet-stat", "interrupts", "softirqs", "numastat", "thp", "cgroup-cpu", "kernel-log", "tasks",
                "process-swap")) {
            assertTrue(catalog.find(id).isPresent(), "built-in catalog lacks probe " + id);
        }
        assertEquals(ProbeKind.COUNTER, catalog.find("vmstat").orElseThrow().kind());
        assertEquals(ProbeKind.GAUGE, catalog.find("meminfo").orElseThrow().kind());
        assertEquals(List.of("dmesg", "-x"), catalog.find("kernel-log").orElseThrow().commands().get(0));
        assertEquals(List.of("dmesg", "-r"), catalog.find("kernel-log").orElseThrow().commands().get(1));
        assertEquals("journalctl", catalog.find("kernel-log").orElseThrow().commands().get(2).get(0));
    }

    @Test
    void repositoryCatalogLoadsAndMatchesTheBuiltInCopy() throws Exception {
        Path repo = Path.of(System.getProperty("triagebot.projectDir", "."), "commands");
        assertEquals(ProbeCatalogLoader.loadBuiltIn().ids(), ProbeCatalogLoader.load(repo).ids());
    }

    @Test
    void unknownKeyNamesFileAndLine() throws Exception {
        write("cpu.yaml", """
                subsystem: cpu
                probes:
                  - id: stat
                    description: x
                    kind: counter
                    fles: [/proc/stat]
                """);
        CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir));
        assertTrue(e.getMessage().startsWith(dir.getFileName() + "/cpu.yaml:6:"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key 'fles'"), e.getMessage());
    }

    @Test
    void duplicateIdAcrossFilesNamesBothPlaces() throws Exception {
        write("a.yaml", """
                subsystem: cpu
                probes:
                  - id: stat
                    description: x
                    kind: counter
                    files: [/proc/stat]
                """);
        write("b.yaml", """
                subsystem: memory
                probes:
                  - id: meminfo
                    description: y
                    kind: gauge
                    files: [/proc/meminfo]
                  - id: stat
                    description: z
                    kind: gauge
                    files: [/proc/stat]
                """);
        CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir));
        assertTrue(e.getMessage().contains("b.yaml:7: duplicate probe id 'stat'"), e.getMessage());
        assertTrue(e.getMessage().contains("a.yaml:3"), e.getMessage());
    }

    @Test
    void missingFieldIsNamed() throws Exception {
        write("cpu.yaml", """
                subsystem: cpu
                probes:
                  - id: stat
                    files: [/proc/stat]
                    kind: counter
                """);
        CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir));
        assertTrue(e.getMessage().contains("cpu.yaml:3: probe 'stat': missing required key 'description'"),
                e.getMessage());
    }

    @Test
    void refusesFilesOutsideKernelPseudoFilesystems() throws Exception {
        write("cpu.yaml", """
                subsystem: cpu
                probes:
                  - id: secrets
                    description: x
                    kind: gauge
                    files: [/etc/shadow]
                """);
        CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir));
        assertTrue(e.getMessage().contains("cpu.yaml:6") && e.getMessage().contains("not a /proc or /sys path"),
                e.getMessage());
    }

    @Test
    void refusesPathTraversal() throws Exception {
        write("cpu.yaml", """
                subsystem: cpu
                probes:
                  - id: sneaky
                    description: x
                    kind: gauge
                    files: [/proc/../etc/shadow]
                """);
        assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir));
    }

    @Test
    void refusesProgramsThatCanWrite() throws Exception {
        for (String program : List.of("rm", "sh", "awk", "find", "tee", "nstat")) {
            write("cpu.yaml", """
                    subsystem: cpu
                    probes:
                      - id: bad
                        description: x
                        kind: gauge
                        command: [%s, /tmp/x]
                    """.formatted(program.split(" ")[0]));
            CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir), program);
            assertTrue(e.getMessage().contains("not one of the read-only programs"), e.getMessage());
        }
    }

    @Test
    void refusesWritingModesOfReadingPrograms() throws Exception {
        for (String argv : List.of("sysctl, -w, vm.swappiness=1", "sysctl, vm.swappiness=1", "dmesg, -c",
                "dmesg, -Tc", "dmesg, --clear", "journalctl, --vacuum-size=1M", "journalctl, --rotate", "ss, -tK",
                "tail, -f, /proc/kmsg")) {
            write("cpu.yaml", """
                    subsystem: cpu
                    probes:
                      - id: bad
                        description: x
                        kind: gauge
                        command: [%s]
                    """.formatted(argv));
            CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir), argv);
            assertTrue(e.getMessage().contains("cpu.yaml:6"), e.getMessage());
        }
    }

    @Test
    void refusesShellCharactersInGlobArguments() throws Exception {
        write("cpu.yaml", """
                subsystem: cpu
                probes:
                  - id: bad
                    description: x
                    kind: gauge
                    command: [cat, "/proc/*;rm -rf /"]
                """);
        CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir));
        assertTrue(e.getMessage().contains("glob argument"), e.getMessage());
    }

    @Test
    void treeGlobMustBeRootStarStarName() throws Exception {
        write("cg.yaml", """
                subsystem: cgroups
                probes:
                  - id: bad
                    description: x
                    kind: gauge
                    files: [/sys/fs/cgroup/**/x/**/cpu.stat]
                """);
        CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir));
        assertTrue(e.getMessage().contains("'**' is only allowed"), e.getMessage());
    }

    @Test
    void timeoutOnlyForCommands() throws Exception {
        write("cpu.yaml", """
                subsystem: cpu
                probes:
                  - id: stat
                    description: x
                    kind: counter
                    files: [/proc/stat]
                    timeout: 3
                """);
        CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir));
        assertTrue(e.getMessage().contains("apply to command probes only"), e.getMessage());
    }

    @Test
    void badYamlNamesTheLine() throws Exception {
        write("cpu.yaml", "subsystem: cpu\nprobes:\n  - id: [unclosed\n");
        CatalogException e = assertThrows(CatalogException.class, () -> ProbeCatalogLoader.load(dir));
        assertTrue(e.getMessage().matches(".*cpu\\.yaml:\\d+: not valid YAML.*"), e.getMessage());
    }

    @Test
    void commandArgumentsAreQuotedGlobsAreNot() {
        assertEquals("'a b'\\''c'", CollectorScript.word("a b'c"));
        assertEquals("/proc/[0-9]*/stat", CollectorScript.word("/proc/[0-9]*/stat"));
        assertEquals("'$(reboot)'", CollectorScript.word("$(reboot)"));
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }
}
