package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CgroupMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.PressureShare;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A cgroup hitting its CFS bandwidth limit: throttled periods over elapsed periods in the window (the
 * kubernetes-mixin CPUThrottlingHigh ratio), with the group's own CPU pressure when cgroup v2 reports it.
 * Names the cgroup and its quota in CPUs.
 */
public final class CgroupCpuThrottlingDetector implements Detector {

    public static final String PATTERN = "cgroup-cpu-throttling";

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        if (m.cgroups() == null || !(m.windowSeconds() > 0)) {
            return List.of();
        }
        Limits lim = new Limits(context, PATTERN);
        List<CgroupMetrics.Cpu> throttled = new ArrayList<>();
        for (CgroupMetrics.Cpu c : m.cgroups().cpu()) {
            if (c.periodsPerSecond() * m.windowSeconds() >= lim.v("min-periods")
                    && c.throttledPercent() >= lim.v("warn-throttled-percent")) {
                throttled.add(c);
            }
        }
        if (throttled.isEmpty()) {
            return List.of();
        }
        throttled.sort(Comparator.comparingDouble(CgroupMetrics.Cpu::throttledPercent).reversed()
                .thenComparing(Comparator.comparingDouble(CgroupMetrics.Cpu::throttledMillisPerSecond).reversed()));
        CgroupMetrics.Cpu c = throttled.get(0);
        PressureShare psi = pressure(m, c.path());
        double some = psi == null ? Double.NaN : psi.some();

        Grade g = new Grade();
        g.meet(Severity.HIGH, Grade.above(c.throttledPercent(), lim.v("warn-throttled-percent")));
        if (some >= lim.v("critical-pressure-some-percent")) {
            g.meet(Severity.CRITICAL, Grade.above(c.throttledPercent(), lim.v("critical-throttled-percent")));
        }
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(true);
        String quota = Grade.known(c.quotaCpus()) ? Format.decimal(c.quotaCpus()) + " CPU" : "unknown quota";
        f.title("CPU quota throttling in " + c.path() + ": throttled in " + Format.percent(c.throttledPercent())
                + " of periods (quota " + quota + (Grade.known(c.usageCpus()) ? ", using " + Format.decimal(c.usageCpus()) + " CPU" : "") + ")");
        StringBuilder impact = new StringBuilder("throttled ").append(Format.percent(c.throttledPercent())).append(" of ")
                .append(Format.count(c.periodsPerSecond())).append(" periods/s, ").append(Format.millis(c.throttledMillisPerSecond()))
                .append(" throttled per second");
        if (Grade.known(some)) {
            impact.append(", its tasks waited for CPU ").append(Format.percent(some)).append(" of the time (cpu.pressure some)");
        }
        f.impact(impact.toString()).culprit(c.path());
        String statFile = c.version() == 2 ? "cpu.stat nr_periods, nr_throttled, throttled_usec" : "cpu.stat nr_periods, nr_throttled, throttled_time";
        f.fact("cgroup " + c.path() + " (v" + c.version() + "): " + Format.percent(c.throttledPercent()) + " of periods throttled, "
                + Format.millis(c.throttledMillisPerSecond()) + " throttled per second", f.window(statFile));
        f.fact("quota " + quota + (Grade.known(c.usageCpus()) ? ", usage " + Format.decimal(c.usageCpus()) + " CPU" : ""),
                FindingBuilder.once(c.version() == 2 ? "cpu.max" : "cpu.cfs_quota_us / cpu.cfs_period_us"));
        if (psi != null) {
            f.fact("cgroup cpu.pressure some " + Format.percent(some), psi.fromAverage() ? FindingBuilder.once("cpu.pressure avg10")
                    : f.window("cgroup cpu.pressure total"));
        } else {
            f.note("the group's own CPU pressure is not available (cgroup v1 or no PSI): severity stops at HIGH");
        }
        if (c.throttledPercent() >= lim.v("critical-throttled-percent") && some >= lim.v("critical-pressure-some-percent")) {
            f.crossed(Format.percent(c.throttledPercent()) + " throttled", lim, "critical-throttled-percent");
            f.crossed("cpu.pressure some " + Format.percent(some), lim, "critical-pressure-some-percent");
        } else {
            f.crossed(Format.percent(c.throttledPercent()) + " throttled", lim, "warn-throttled-percent");
        }
        for (int i = 1; i < throttled.size() && i < 4; i++) {
            CgroupMetrics.Cpu o = throttled.get(i);
            f.fact("also throttled: " + o.path() + " " + Format.percent(o.throttledPercent()) + " of periods", f.window("cpu.stat"));
        }

        String layout = context.snapshot().gauges().cgroupLayout();
        f.command("cat " + Cgroups.file(layout, c.path(), c.version(), "cpu", "cpu.stat"));
        f.command(c.version() == 2 ? "cat " + Cgroups.file(layout, c.path(), 2, "cpu", "cpu.max")
                : "cat " + Cgroups.file(layout, c.path(), 1, "cpu", "cpu.cfs_quota_us") + " "
                        + Cgroups.file(layout, c.path(), 1, "cpu", "cpu.cfs_period_us"));
        f.command("cat " + Cgroups.file(layout, c.path(), c.version(), "cpu", "cgroup.procs") + " | head");
        String unit = Cgroups.unit(c.path());
        if (unit != null) {
            f.command("systemctl show " + Cgroups.word(unit) + " -p CPUQuotaPerSecUSec -p CPUQuotaPeriodUSec");
            double base = Grade.known(c.quotaCpus()) ? c.quotaCpus() : c.usageCpus();
            if (Grade.known(base) && base > 0) {
                int percent = (int) Math.ceil(100 * base * lim.v("raise-quota-factor"));
                f.runbook("unit-cpu-quota", "raise " + unit + "'s quota from " + quota + " to " + Format.decimal(percent / 100.0)
                        + " CPU (rollback: the old CPUQuota)", "unit", unit, "cgroup", c.path(), "quota", percent + "%");
            }
        }
        f.longTerm("Set the quota from measured demand (usage peaks, not averages), or use CPUWeight instead of a hard quota "
                + "for latency-sensitive services; a longer cpu.max period smooths bursty threads.");
        return List.of(f.build());
    }

    private static PressureShare pressure(Metrics m, String path) {
        return m.cgroups().pressure().stream().filter(p -> p.path().equals(path)).map(CgroupMetrics.Pressure::cpu)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }
}
