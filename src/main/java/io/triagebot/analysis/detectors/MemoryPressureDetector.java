package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CgroupMetrics;
import io.triagebot.analysis.metrics.MemoryMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.PressureShare;
import io.triagebot.analysis.metrics.ProcessMetrics;
import java.util.List;

/**
 * Tasks stalling on memory, on the whole host or in one cgroup: memory PSI over the window (systemd-oomd
 * kills at 60% full), MemAvailable (netdata warns under 10%), and a cgroup hitting its memory.max or
 * memory.high. Measured stalls confirm; a low MemAvailable alone is a hypothesis (the kernel may reclaim
 * cache without anyone waiting).
 */
public final class MemoryPressureDetector implements Detector {

    public static final String PATTERN = "memory-pressure";

    @Override
    public String pattern() {
        return PATTERN;
    }

    /** Where the pressure is: the host (path null) or one cgroup. */
    private record Scope(String path, int version, PressureShare psi, CgroupMetrics.Memory memory, Grade grade,
            boolean confirmed) {
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        MemoryMetrics mem = m.memory();
        Limits lim = new Limits(context, PATTERN);
        Scope worst = host(m, mem, lim);
        if (m.cgroups() != null) {
            for (CgroupMetrics.Memory cg : m.cgroups().memory()) {
                Scope s = group(m, cg, lim);
                if (s != null && (worst == null || better(s, worst))) {
                    worst = s;
                }
            }
            for (CgroupMetrics.Pressure p : m.cgroups().pressure()) {
                boolean known = m.cgroups().memory().stream().anyMatch(c -> c.path().equals(p.path()));
                if (!known && p.memory() != null) {
                    Grade g = psiGrade(p.memory(), lim);
                    if (g.any()) {
                        Scope s = new Scope(p.path(), 2, p.memory(), null, g, !p.memory().fromAverage());
                        if (worst == null || better(s, worst)) {
                            worst = s;
                        }
                    }
                }
            }
        }
        if (worst == null) {
            return List.of();
        }
        return List.of(finding(context, lim, mem, worst));
    }

    private static Scope host(Metrics m, MemoryMetrics mem, Limits lim) {
        PressureShare psi = m.memoryPressure();
        Grade g = psi == null ? new Grade() : psiGrade(psi, lim);
        boolean stalled = psi != null && !psi.fromAverage() && psi.some() >= lim.v("medium-pressure-some-percent");
        double avail = mem == null || mem.totalKb() <= 0 || mem.availableKb() < 0 ? Double.NaN : 100.0 * mem.availableKb() / mem.totalKb();
        double warn = lim.v("warn-available-percent");
        double crit = lim.v("critical-available-percent");
        if (avail < warn) {
            g.meet(stalled ? Severity.HIGH : Severity.MEDIUM, Grade.below(avail, warn));
        }
        if (avail < crit) {
            g.meet(stalled ? Severity.CRITICAL : Severity.HIGH, Grade.below(avail, crit));
        }
        return g.any() ? new Scope(null, 0, psi, null, g, stalled) : null;
    }

    private static Scope group(Metrics m, CgroupMetrics.Memory cg, Limits lim) {
        PressureShare psi = null;
        for (CgroupMetrics.Pressure p : m.cgroups().pressure()) {
            if (p.path().equals(cg.path())) {
                psi = p.memory();
            }
        }
        Grade g = psi == null ? new Grade() : psiGrade(psi, lim);
        boolean hittingMax = cg.maxEvents() > 0;
        g.meetIf(hittingMax, Severity.HIGH, cg.maxEvents());
        g.meetIf(cg.highEvents() > 0, Severity.MEDIUM, cg.highEvents());
        // Page cache fills a limited cgroup up to its limit: being near it is normal, worth a note only.
        g.meet(Severity.LOW, Grade.above(cg.usagePercent(), lim.v("cgroup-usage-percent")));
        boolean confirmed = hittingMax || psi != null && !psi.fromAverage() && psi.some() >= lim.v("medium-pressure-some-percent");
        return g.any() ? new Scope(cg.path(), cg.version(), psi, cg, g, confirmed) : null;
    }

    private static Grade psiGrade(PressureShare psi, Limits lim) {
        Grade g = new Grade();
        g.meet(Severity.MEDIUM, Grade.above(psi.some(), lim.v("medium-pressure-some-percent")));
        g.meet(Severity.HIGH, Grade.above(psi.some(), lim.v("warn-pressure-some-percent")));
        g.meet(Severity.HIGH, Grade.above(psi.full(), lim.v("warn-pressure-full-percent")));
        g.meet(Severity.CRITICAL, Grade.above(psi.full(), lim.v("critical-pressure-full-percent")));
        return g;
    }

    private static boolean better(Scope a, Scope b) {
        int c = a.grade().severity().compareTo(b.grade().severity());
        if (c != 0) {
            return c > 0;
        }
        if (a.confirmed() != b.confirmed()) {
            return a.confirmed();
        }
        // Parents include their children's stalls and events: a deeper group that explains at least half
        // as much is the more specific culprit.
        if (a.path() != null && b.path() != null && Cgroups.depth(a.path()) != Cgroups.depth(b.path())) {
            boolean deeper = Cgroups.depth(a.path()) > Cgroups.depth(b.path());
            boolean nested = deeper ? a.path().startsWith(b.path() + "/") : b.path().startsWith(a.path() + "/");
            if (nested) {
                return deeper ? a.grade().score() >= b.grade().score() / 2 : a.grade().score() > 2 * b.grade().score();
            }
        }
        return a.grade().score() > b.grade().score();
    }

    private static Finding finding(AnalysisContext context, Limits lim, MemoryMetrics mem, Scope s) {
        Metrics m = context.metrics();
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(s.grade()).confirmed(s.confirmed());
        PressureShare psi = s.psi();
        CgroupMetrics.Memory cg = s.memory();
        String where = s.path() == null ? "on the host" : "in cgroup " + s.path();
        double avail = mem == null || mem.totalKb() <= 0 || mem.availableKb() < 0 ? Double.NaN : 100.0 * mem.availableKb() / mem.totalKb();
        StringBuilder title = new StringBuilder("Memory pressure ").append(where);
        if (psi != null && psi.some() > 0) {
            title.append(": tasks stalled ").append(Format.percent(psi.some())).append(" of the time");
        }
        if (cg != null && cg.limitBytes() > 0) {
            title.append(psi != null && psi.some() > 0 ? ", " : ": ").append("at ").append(Format.percent(cg.usagePercent()))
                    .append(" of its ").append(Format.bytes(cg.limitBytes())).append(" limit");
        } else if (s.path() == null && Grade.known(avail)) {
            title.append(psi != null && psi.some() > 0 ? ", " : ": ").append(Format.percent(avail)).append(" of memory available");
        }
        f.title(title.toString());
        StringBuilder impact = new StringBuilder();
        if (psi != null) {
            impact.append("memory PSI some ").append(Format.percent(psi.some())).append(", full ").append(Format.percent(psi.full()));
        }
        if (cg != null) {
            impact.append(impact.length() == 0 ? "" : "; ").append(Format.bytes(cg.usageBytes())).append(" used")
                    .append(cg.limitBytes() > 0 ? " of " + Format.bytes(cg.limitBytes()) : "");
            if (cg.maxEvents() > 0) {
                impact.append(", hit memory.max ").append(Format.count(cg.maxEvents())).append(" times in the window");
            }
        } else if (mem != null && mem.availableKb() >= 0) {
            impact.append(impact.length() == 0 ? "" : "; ").append("MemAvailable ").append(Format.bytes(mem.availableKb() * 1024.0))
                    .append(" of ").append(Format.bytes(mem.totalKb() * 1024.0));
        }
        f.impact(impact.toString()).culprit(s.path());

        if (psi != null) {
            String file = s.path() == null ? "/proc/pressure/memory" : "cgroup memory.pressure";
            f.fact("memory PSI some " + Format.percent(psi.some()) + ", full " + Format.percent(psi.full()),
                    psi.fromAverage() ? FindingBuilder.once(file + " avg10") : f.window(file + " total"));
        } else if (s.path() == null) {
            f.note("memory pressure not measured: /proc/pressure/memory unavailable");
        }
        if (mem != null && mem.availableKb() >= 0) {
            f.fact("MemAvailable " + Format.bytes(mem.availableKb() * 1024.0) + " (" + Format.percent(avail) + ") of "
                    + Format.bytes(mem.totalKb() * 1024.0) + ", page cache " + Format.bytes(mem.cachedKb() * 1024.0),
                    FindingBuilder.once("/proc/meminfo"));
        }
        if (cg != null) {
            f.fact("cgroup " + cg.path() + ": " + Format.bytes(cg.usageBytes()) + " used"
                    + (cg.limitBytes() > 0 ? " of " + Format.bytes(cg.limitBytes()) + " (" + Format.percent(cg.usagePercent()) + ")" : ", no limit")
                    + ", swap " + Format.bytes(cg.swapBytes()), f.window(cg.version() == 2 ? "cgroup memory.current, memory.max"
                            : "cgroup memory.usage_in_bytes, memory.limit_in_bytes"));
            if (Grade.known(cg.maxEvents()) || Grade.known(cg.highEvents())) {
                f.fact("memory.events in the window: max +" + Format.count(cg.maxEvents()) + ", high +" + Format.count(cg.highEvents()),
                        f.window("cgroup memory.events"));
            }
        }
        if (psi != null) {
            if (psi.full() >= lim.v("critical-pressure-full-percent")) {
                f.crossed("memory PSI full " + Format.percent(psi.full()) + " (systemd-oomd kills at this level after 30 s)", lim,
                        "critical-pressure-full-percent");
            } else if (psi.full() >= lim.v("warn-pressure-full-percent")) {
                f.crossed("memory PSI full " + Format.percent(psi.full()), lim, "warn-pressure-full-percent");
            }
            if (psi.some() >= lim.v("warn-pressure-some-percent")) {
                f.crossed("memory PSI some " + Format.percent(psi.some()), lim, "warn-pressure-some-percent");
            } else if (psi.some() >= lim.v("medium-pressure-some-percent")) {
                f.crossed("memory PSI some " + Format.percent(psi.some()), lim, "medium-pressure-some-percent");
            }
        }
        if (s.path() == null && avail < lim.v("warn-available-percent")) {
            f.crossed("MemAvailable " + Format.percent(avail), lim,
                    avail < lim.v("critical-available-percent") ? "critical-available-percent" : "warn-available-percent");
        }
        if (cg != null && cg.usagePercent() >= lim.v("cgroup-usage-percent")) {
            f.crossed("cgroup at " + Format.percent(cg.usagePercent()) + " of its limit", lim, "cgroup-usage-percent");
        }
        if (!s.confirmed()) {
            f.note("not confirmed: " + (s.path() == null ? "low MemAvailable alone; the kernel may reclaim cache without anyone waiting"
                    : "no stall measured in the window for this cgroup"));
        }
        ProcessMetrics procs = m.processes();
        ProcessMetrics.Proc big = procs == null || procs.topMemory().isEmpty() ? null : procs.topMemory().get(0);
        if (big != null && s.path() == null) {
            f.fact("largest resident process: " + big.comm() + " (pid " + big.pid() + ") " + Format.bytes(big.rssKb() * 1024.0),
                    FindingBuilder.once("/proc/PID/stat rss, second sample"));
        }

        f.command("cat /proc/pressure/memory");
        f.command("free -m");
        f.command("ps -eo pid,comm,rss --sort=-rss | head");
        String layout = context.snapshot().gauges().cgroupLayout();
        if (s.path() != null && s.version() == 2) {
            f.command("cat " + Cgroups.file(layout, s.path(), 2, "memory", "memory.events") + " "
                    + Cgroups.file(layout, s.path(), 2, "memory", "memory.pressure"));
            f.command("grep -E '^(anon|file|shmem|pgmajfault|workingset_refault_anon|workingset_refault_file) ' "
                    + Cgroups.file(layout, s.path(), 2, "memory", "memory.stat"));
        } else if (s.path() != null) {
            f.command("grep -E '^(total_rss|total_cache|total_swap|hierarchical_memory_limit) ' "
                    + Cgroups.file(layout, s.path(), 1, "memory", "memory.stat"));
        }
        String unit = Cgroups.unit(s.path());
        if (unit != null && cg != null) {
            long limit = cg.limitBytes() > 0 ? (long) (cg.limitBytes() * lim.v("suggested-high-percent-of-max") / 100) : cg.usageBytes();
            f.runbook("unit-memory-high", "throttle " + unit + " at " + Format.bytes(limit) + " (below its hard limit) so the kernel "
                    + "reclaims from it before the OOM killer acts; rollback MemoryHigh=infinity",
                    "unit", unit, "cgroup", s.path(), "limit", SwapDeathSpiralDetector.mib(limit));
        }
        f.longTerm("Size memory limits to the working set (memory.peak, memory.stat) or add memory; find what grows "
                + "(ps --sort=-rss, memory.stat) and fix the leak or cap it with MemoryHigh.");
        return f.build();
    }
}
