package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.CpuMetrics;
import io.triagebot.analysis.metrics.DiskMetrics;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.PressureShare;
import io.triagebot.analysis.metrics.ProcessMetrics;
import io.triagebot.snapshot.BlockQueue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Storage that makes tasks wait: a device whose await and queue rise together (iostat's await and aqu-sz),
 * tasks stalled on I/O (IO PSI), tasks in uninterruptible sleep on I/O wait channels, and the kernel's
 * hung-task reports. iowait alone is only a hypothesis: it is idle time with I/O outstanding.
 */
public final class IoStallDetector implements Detector {

    public static final String PATTERN = "io-stall";

    private static final Pattern HUNG_TASK = Pattern.compile("INFO: task (\\S+):(\\d+) blocked for more than (\\d+) seconds");

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        Metrics m = context.metrics();
        Limits lim = new Limits(context, PATTERN);
        List<DiskMetrics> disks = m.disks() == null ? List.of() : m.disks();
        PressureShare psi = m.ioPressure();
        double some = psi == null ? Double.NaN : psi.some();
        double full = psi == null ? Double.NaN : psi.full();
        CpuMetrics cpu = m.cpu();
        double iowait = cpu == null ? Double.NaN : cpu.total().iowait();
        int n = Math.max(1, m.cpuCount());

        DiskMetrics stalled = disks.stream().filter(d -> stalled(d, lim))
                .max(Comparator.comparingDouble(DiskMetrics::queueDepth)).orElse(null);
        DiskMetrics deep = disks.stream().filter(d -> d.queueDepth() >= lim.v("high-queue-depth"))
                .max(Comparator.comparingDouble(DiskMetrics::queueDepth)).orElse(null);
        DiskMetrics device = stalled != null ? stalled : deep;
        // Without a slow device, the busiest one is where the stalled tasks' I/O goes.
        DiskMetrics busiest = device != null ? device : disks.stream()
                .filter(d -> d.readsPerSecond() + d.writesPerSecond() > 0)
                .max(Comparator.comparingDouble(d -> d.readsPerSecond() + d.writesPerSecond())).orElse(null);
        List<ProcessMetrics.Blocked> dState = m.processes() == null ? List.of() : m.processes().blocked();
        List<ProcessMetrics.Blocked> onIo = dState.stream().filter(b -> b.wchan() != null && Tasks.IO_WCHAN.matcher(b.wchan()).matches())
                .toList();
        List<KernelLog.Hit> hung = KernelLog.recent(context, HUNG_TASK, "blocked for more than").stream()
                .filter(h -> !(h.ageSeconds() > lim.v("hung-task-seconds"))).toList();

        Grade g = new Grade();
        if (stalled != null) {
            g.meet(Severity.HIGH, Grade.above(stalled.awaitMillis(), awaitThreshold(stalled, lim)));
        }
        if (deep != null) {
            g.meet(Severity.HIGH, Grade.above(deep.queueDepth(), lim.v("high-queue-depth")));
        }
        g.meet(Severity.CRITICAL, Grade.above(full, lim.v("critical-io-full-percent")));
        // A hung-task report makes a current I/O problem critical; alone it is an escalation, reported as such.
        boolean ioNow = device != null || some >= lim.v("medium-io-some-percent") || !onIo.isEmpty();
        g.meetIf(!hung.isEmpty() && ioNow, Severity.CRITICAL, hung.size());
        if (device != null && onIo.size() >= n * lim.v("critical-blocked-per-cpu")) {
            g.meet(Severity.CRITICAL, Grade.above(onIo.size(), n * lim.v("critical-blocked-per-cpu")));
        }
        g.meet(Severity.MEDIUM, Grade.above(iowait, lim.v("iowait-percent")));
        g.meet(Severity.MEDIUM, Grade.above(some, lim.v("medium-io-some-percent")));
        g.meet(Severity.HIGH, Grade.above(some, lim.v("warn-io-some-percent")));
        if (!g.any()) {
            return List.of();
        }
        // Measured stalls (PSI full: every runnable task waited on I/O) with an I/O problem to show for it.
        boolean confirmed = full > 0 && (stalled != null || !onIo.isEmpty() || some >= lim.v("warn-io-some-percent"));
        Map<String, List<ProcessMetrics.Blocked>> byComm = new LinkedHashMap<>();
        for (ProcessMetrics.Blocked b : dState) {
            byComm.computeIfAbsent(b.comm(), k -> new ArrayList<>()).add(b);
        }
        Map.Entry<String, List<ProcessMetrics.Blocked>> topBlocked = byComm.entrySet().stream()
                .max(Comparator.comparingInt((Map.Entry<String, List<ProcessMetrics.Blocked>> e) -> e.getValue().size()))
                .orElse(null);
        ProcessMetrics.Blocked firstBlocked = topBlocked == null ? null : topBlocked.getValue().get(0);

        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        StringBuilder title = new StringBuilder("I/O stall");
        if (device != null) {
            title.append(" on ").append(device.device()).append(": await ").append(Format.millis(device.awaitMillis()))
                    .append(", queue depth ").append(Format.decimal(device.queueDepth()));
        } else if (Grade.known(some) && some > 0) {
            title.append(": tasks waited on I/O ").append(Format.percent(some)).append(" of the time");
            if (busiest != null) {
                title.append(", ").append(busiest.device()).append(" doing ")
                        .append(Format.count(busiest.readsPerSecond() + busiest.writesPerSecond())).append(" IOPS");
            }
        } else {
            title.insert(0, "Possible ").append(": iowait ").append(Format.percent(iowait));
        }
        if (firstBlocked != null) {
            title.append(" (").append(topBlocked.getKey()).append(" pid ").append(firstBlocked.pid()).append(" in D state")
                    .append(firstBlocked.wchan() == null ? "" : " on " + firstBlocked.wchan()).append(')');
        }
        f.title(title.toString());
        StringBuilder impact = new StringBuilder();
        if (device != null) {
            impact.append(device.device()).append(" await ").append(Format.millis(device.awaitMillis())).append(" (read ")
                    .append(Format.millis(device.readAwaitMillis())).append(", write ").append(Format.millis(device.writeAwaitMillis()))
                    .append("), aqu-sz ").append(Format.decimal(device.queueDepth())).append(", ")
                    .append(Format.count(device.readsPerSecond() + device.writesPerSecond())).append(" IOPS, ")
                    .append(Format.bytes((device.readKbPerSecond() + device.writeKbPerSecond()) * 1024)).append("/s");
        }
        if (psi != null) {
            impact.append(impact.length() == 0 ? "" : "; ").append("IO PSI some ").append(Format.percent(some)).append(", full ")
                    .append(Format.percent(full));
        }
        impact.append(impact.length() == 0 ? "" : "; ").append(dState.size()).append(" task(s) in D state");
        if (Grade.known(iowait)) {
            impact.append(", iowait ").append(Format.percent(iowait));
        }
        f.impact(impact.toString());
        f.culprit(busiest != null ? busiest.device() + (firstBlocked == null ? "" : " (" + topBlocked.getKey() + " pid " + firstBlocked.pid() + ")")
                : firstBlocked == null ? null : topBlocked.getKey() + " (pid " + firstBlocked.pid() + ")");

        for (DiskMetrics d : disks.stream().sorted(Comparator.comparingDouble(DiskMetrics::queueDepth).reversed()).limit(3).toList()) {
            f.fact(d.device() + ": r/s " + Format.count(d.readsPerSecond()) + ", w/s " + Format.count(d.writesPerSecond()) + ", rkB/s "
                    + Format.count(d.readKbPerSecond()) + ", wkB/s " + Format.count(d.writeKbPerSecond()) + ", await "
                    + Format.millis(d.awaitMillis()) + ", aqu-sz " + Format.decimal(d.queueDepth()) + ", %util "
                    + Format.percent(d.utilPercent()) + ", in flight " + d.inFlight()
                    + (d.rotational() == null ? "" : d.rotational() ? ", rotational" : ", non-rotational")
                    + (d.scheduler() == null ? "" : ", scheduler " + d.scheduler()), f.window("/sys/block/" + d.device() + "/stat"));
        }
        if (psi != null) {
            f.fact("IO PSI some " + Format.percent(some) + ", full " + Format.percent(full),
                    psi.fromAverage() ? FindingBuilder.once("/proc/pressure/io avg10") : f.window("/proc/pressure/io total"));
        } else {
            f.note("I/O pressure not measured: /proc/pressure/io unavailable");
        }
        if (cpu != null) {
            f.fact("iowait " + Format.percent(iowait) + ", procs_blocked " + cpu.blocked(), f.window("/proc/stat"));
        }
        int shown = 0;
        for (ProcessMetrics.Blocked b : dState) {
            if (shown++ == 5) {
                break;
            }
            f.fact("D state: " + b.comm() + " (pid " + b.pid() + (b.tid() != b.pid() ? ", tid " + b.tid() : "") + ") on "
                    + (b.wchan() == null ? "unknown wchan" : b.wchan()) + (b.inBothSamples() ? ", in both samples" : ""),
                    "/proc/PID/task/TID/stat and wchan, second sample");
        }
        for (KernelLog.Hit h : ioNow ? hung : List.<KernelLog.Hit>of()) {
            f.fact("kernel log" + (h.timestamped() ? " (" + Format.duration(h.ageSeconds()) + " ago)" : "") + ": "
                    + Format.clip(h.text(), 160), FindingBuilder.once("dmesg"));
        }
        if (stalled != null) {
            f.crossed(stalled.device() + " await " + Format.millis(stalled.awaitMillis()), lim,
                    Boolean.TRUE.equals(stalled.rotational()) || stalled.rotational() == null ? "warn-await-ms-rotational" : "warn-await-ms-ssd");
            f.crossed(stalled.device() + " aqu-sz " + Format.decimal(stalled.queueDepth()), lim, "warn-queue-depth");
        }
        if (deep != null) {
            f.crossed(deep.device() + " aqu-sz " + Format.decimal(deep.queueDepth()), lim, "high-queue-depth");
        }
        if (full >= lim.v("critical-io-full-percent")) {
            f.crossed("IO PSI full " + Format.percent(full), lim, "critical-io-full-percent");
        }
        if (device != null && onIo.size() >= n * lim.v("critical-blocked-per-cpu")) {
            f.crossed(onIo.size() + " tasks in D state on I/O for " + n + " CPUs", lim, "critical-blocked-per-cpu");
        }
        if (iowait >= lim.v("iowait-percent")) {
            f.crossed("iowait " + Format.percent(iowait), lim, "iowait-percent");
        }
        if (some >= lim.v("warn-io-some-percent")) {
            f.crossed("IO PSI some " + Format.percent(some), lim, "warn-io-some-percent");
        } else if (some >= lim.v("medium-io-some-percent")) {
            f.crossed("IO PSI some " + Format.percent(some), lim, "medium-io-some-percent");
        }
        if (device != null && device.utilPercent() >= lim.v("util-percent")) {
            f.crossed(device.device() + " %util " + Format.percent(device.utilPercent())
                    + " (meaningless for devices serving requests in parallel: NVMe, RAID, virtio)", lim, "util-percent");
        }
        if (!confirmed) {
            f.note("not confirmed: " + (!(full > 0) ? "no task measured stalling (IO PSI full is " + Format.percent(full) + ")"
                    : "no device shows await and queue rising together, no D-state task waits on I/O"));
        } else if (stalled == null) {
            f.note("confirmed by the tasks' stall time (IO PSI full) although no device shows a long await: look for "
                    + "synchronous writes and flushes (fsync, O_SYNC) rather than a slow disk");
        }

        f.command("iostat -xz 1 5");
        f.command("pidstat -d 1 5");
        f.command("bpftrace -e 'tracepoint:block:block_rq_issue { @[comm, pid] = count(); } interval:s:5 { exit(); }'");
        if (firstBlocked != null) {
            f.command("cat /proc/" + firstBlocked.pid() + "/task/" + firstBlocked.tid() + "/stack");
        }
        f.command("ps -eo pid,stat,wchan:32,comm | awk '$2 ~ /^D/'");
        f.command("cat /proc/pressure/io");
        if (busiest != null) {
            f.command("cat " + Cgroups.word("/sys/block/" + busiest.device() + "/queue/scheduler") + " "
                    + Cgroups.word("/sys/block/" + busiest.device() + "/queue/nr_requests"));
            runbooks(f, context, lim, busiest, firstBlocked);
        }
        f.longTerm("Find who issues the I/O (block_rq_issue tracing, pidstat -d) and reduce it (batch fsyncs, buffer writes, "
                + "move logs), cap noisy units with IOWriteBandwidthMax/IOReadBandwidthMax, or move the data to faster storage.");
        return List.of(f.build());
    }

    private static void runbooks(FindingBuilder f, AnalysisContext context, Limits lim, DiskMetrics d, ProcessMetrics.Blocked writer) {
        BlockQueue q = context.snapshot().gauges().blockQueues().stream().filter(b -> b.device().equals(d.device()))
                .findFirst().orElse(null);
        String scheduler = q == null ? d.scheduler() : q.scheduler();
        boolean rotational = Boolean.TRUE.equals(d.rotational());
        if (rotational && scheduler != null && !scheduler.equals("bfq")) {
            f.runbook("io-scheduler", "BFQ shares a rotational disk fairly between processes and honours ionice (currently "
                    + scheduler + "; rollback to it)", "device", d.device(), "scheduler", "bfq");
        }
        if (writer != null && writer.pid() > 0) {
            f.runbook("ionice", "make " + writer.comm() + " (pid " + writer.pid() + ") yield the disk to everyone else"
                    + ("bfq".equals(scheduler) ? "" : " (needs the bfq scheduler)"), "pid", Integer.toString(writer.pid()), "class", "idle");
        }
        if (q != null && q.nrRequests() != null && d.inFlight() >= 0.9 * q.nrRequests()) {
            f.runbook("nr-requests", "the queue is full (" + d.inFlight() + " in flight of " + q.nrRequests()
                    + "): requests wait for a tag before reaching the device", "device", d.device(), "value",
                    Integer.toString(q.nrRequests() * 2));
        }
        if (q != null && q.readAheadKb() != null && q.readAheadKb() > lim.v("suggested-read-ahead-kb")
                && d.readKbPerSecond() > 2 * d.writeKbPerSecond()) {
            f.runbook("read-ahead", "reads dominate and read-ahead is " + q.readAheadKb() + " KiB: random readers fetch far more than "
                    + "they use (rollback " + q.readAheadKb() + ")", "device", d.device(), "kb",
                    FindingBuilder.whole(lim.v("suggested-read-ahead-kb")));
        }
    }

    private static boolean stalled(DiskMetrics d, Limits lim) {
        return d.awaitMillis() >= awaitThreshold(d, lim) && d.queueDepth() >= lim.v("warn-queue-depth");
    }

    /** Spinning (or unknown) devices get the rotational latency budget, flash the tighter one. */
    private static double awaitThreshold(DiskMetrics d, Limits lim) {
        return Boolean.FALSE.equals(d.rotational()) ? lim.v("warn-await-ms-ssd") : lim.v("warn-await-ms-rotational");
    }
}
