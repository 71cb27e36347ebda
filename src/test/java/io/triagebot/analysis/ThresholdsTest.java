package io.triagebot.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.detectors.Detectors;
import io.triagebot.yaml.YamlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThresholdsTest {

    @TempDir
    Path dir;

    @Test
    void builtInHasAGroupPerPatternAndEveryValueHasASource() {
        Thresholds t = Thresholds.builtIn();
        Set<String> groups = new TreeSet<>(t.all().keySet());
        for (Detector d : Detectors.standard()) {
            assertTrue(groups.contains(d.pattern()), "no threshold group for " + d.pattern());
        }
        assertTrue(groups.contains("escalation"));
        assertEquals(3600, t.value("escalation", "recent-seconds"));
        for (Map<String, Thresholds.Threshold> g : t.all().values()) {
            for (Thresholds.Threshold th : g.values()) {
                assertFalse(th.source().isBlank(), th.group() + "." + th.name() + " has no source");
                assertTrue(Double.isFinite(th.value()), th.group() + "." + th.name());
            }
        }
    }

    @Test
    void repositoryFileIsTheBuiltInCopy() throws Exception {
        Path repo = Path.of(System.getProperty("triagebot.projectDir", "."), "thresholds.yaml");
        Thresholds fromRepo = Thresholds.parse(Files.readString(repo), repo.toString());
        assertEquals(Thresholds.builtIn().all(), fromRepo.all());
    }

    @Test
    void overridesReplaceOnlyTheValuesGivenAndSayWhere() throws Exception {
        Path file = write("site.yaml", """
                swap-death-spiral:
                  warn-swap-pages-per-second: 50
                io-stall:
                  warn-await-ms-ssd: 2.5
                """);
        Thresholds t = Thresholds.builtIn().withOverrides(file);
        assertEquals(50, t.value("swap-death-spiral", "warn-swap-pages-per-second"));
        assertEquals(2.5, t.value("io-stall", "warn-await-ms-ssd"));
        assertTrue(t.threshold("io-stall", "warn-await-ms-ssd").source().contains("site override (" + file + ")"));
        assertEquals(1000, t.value("swap-death-spiral", "critical-swap-pages-per-second"), "untouched values stay");
        assertEquals(Thresholds.builtIn().threshold("cpu-saturation", "busy-percent"), t.threshold("cpu-saturation", "busy-percent"));
        assertEquals(100, Thresholds.builtIn().value("swap-death-spiral", "warn-swap-pages-per-second"), "the built-in is unchanged");
    }

    @Test
    void anOverrideChangesWhatADetectorReports() throws Exception {
        Path file = write("site.yaml", "cpu-saturation:\n  critical-pressure-some-percent: 95\n  critical-runnable-per-cpu: 10\n");
        io.triagebot.testsupport.SyntheticHost h = io.triagebot.testsupport.SyntheticHost.idle(2).allCpus(97, 2).procs(6, 0)
                .cpuPressure(80);
        Detector d = new io.triagebot.analysis.detectors.CpuSaturationDetector();
        assertEquals(Severity.CRITICAL, d.detect(h.context()).get(0).severity());
        assertEquals(Severity.HIGH, d.detect(h.context(Thresholds.builtIn().withOverrides(file))).get(0).severity());
    }

    @Test
    void anUnknownGroupIsAnErrorNamingFileAndLine() throws Exception {
        Path file = write("site.yaml", "cpu-saturation:\n  busy-percent: 80\nswap-deth-spiral:\n  warn-swap-pages-per-second: 5\n");
        YamlException e = assertThrows(YamlException.class, () -> Thresholds.builtIn().withOverrides(file));
        assertTrue(e.getMessage().startsWith(file + ":3:"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown threshold group 'swap-deth-spiral'"), e.getMessage());
    }

    @Test
    void anUnknownKeyIsAnErrorNamingFileAndLine() throws Exception {
        Path file = write("site.yaml", "io-stall:\n  warn-await-ms-ssd: 2\n  warn-await-ms-nvme: 1\n");
        YamlException e = assertThrows(YamlException.class, () -> Thresholds.builtIn().withOverrides(file));
        assertTrue(e.getMessage().startsWith(file + ":3:"), e.getMessage());
        assertTrue(e.getMessage().contains("warn-await-ms-nvme"), e.getMessage());
    }

    @Test
    void aValueMustBeANumber() throws Exception {
        Path file = write("site.yaml", "io-stall:\n  warn-await-ms-ssd: fast\n");
        YamlException e = assertThrows(YamlException.class, () -> Thresholds.builtIn().withOverrides(file));
        assertTrue(e.getMessage().startsWith(file + ":2:"), e.getMessage());
    }

    @Test
    void aFullFileNeedsValueAndSourceForEveryEntry() {
        YamlException e = assertThrows(YamlException.class,
                () -> Thresholds.parse("io-stall:\n  warn-queue-depth:\n    value: 1\n", "t.yaml"));
        assertTrue(e.getMessage().startsWith("t.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains("source"), e.getMessage());
    }

    @Test
    void aMissingThresholdIsAProgrammingError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Thresholds.builtIn().value("io-stall", "nope"));
        assertTrue(e.getMessage().contains("io-stall.nope"));
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
