package io.triagebot.snapshot;

import io.triagebot.probe.ProbeReading;
import io.triagebot.probe.RawSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Types a {@link RawSnapshot}: each probe id of the catalog maps to one parser here. The ids are the
 * contract between {@code commands/} and the analysis; a probe missing from the catalog simply leaves
 * its field empty, with the reason in {@link Snapshot#unavailable()}.
 */
public final class SnapshotReader {

    private static final Pattern BLOCK_STAT = Pattern.compile("/sys/block/([^/]+)/stat");
    private static final Pattern BLOCK_QUEUE = Pattern.compile("/sys/block/([^/]+)/queue/([a-z_]+)");
    private static final Pattern NODE_FILE = Pattern.compile("/sys/devices/system/node/node(\\d+)/\\w+");
    private static final Pattern IRQ_AFFINITY = Pattern.compile("/proc/irq/(\\d+)/smp_affinity_list");
    private static final Pattern GOVERNOR = Pattern.compile("/sys/devices/system/cpu/cpu(\\d+)/cpufreq/scaling_governor");

    private SnapshotReader() {
    }

    public static Snapshot read(RawSnapshot raw) {
        Map<String, String> unavailable = new LinkedHashMap<>(raw.unavailable());
        CgroupFormats cgroups = new CgroupFormats(lines(raw, "mounts", 0));
        Sample first = sample(raw, 0, cgroups, raw.uptimeSeconds());
        Sample second = Double.isNaN(raw.windowSeconds()) ? null
                : sample(raw, 1, cgroups, raw.uptimeSeconds() + raw.windowSeconds());
        Gauges gauges = gauges(raw, cgroups);
        String hostname = firstLine(raw, "hostname");
        String kernel = firstLine(raw, "kernel-release");
        return new Snapshot(raw.target(), hostname, kernel, raw.collectedAt(), raw.uptimeSeconds(),
                raw.windowSeconds(), first, second, gauges, unavailable, raw.notes(), raw.elapsed());
    }

    private static Sample sample(RawSnapshot raw, int i, CgroupFormats cgroups, double uptime) {
        return new Sample(
                uptime,
                parse(raw, "stat", i, CpuFormats::stat),
                parse(raw, "pressure-cpu", i, MemoryFormats::psi),
                parse(raw, "pressure-memory", i, MemoryFormats::psi),
                parse(raw, "pressure-io", i, MemoryFormats::psi),
                orEmpty(parse(raw, "vmstat", i, MemoryFormats::keyValues)),
                perFile(raw, "block-stat", i, BLOCK_STAT, IoNetFormats::blockStat),
                orEmpty(parse(raw, "net-snmp", i, IoNetFormats::headerValuePairs)),
                orEmpty(parse(raw, "net-netstat", i, IoNetFormats::headerValuePairs)),
                orEmptyList(parse(raw, "net-dev", i, IoNetFormats::netDev)),
                orEmptyList(parse(raw, "softnet-stat", i, IoNetFormats::softnet)),
                parse(raw, "schedstat", i, CpuFormats::schedstat),
                parse(raw, "interrupts", i, CpuFormats::interrupts),
                parse(raw, "softirqs", i, CpuFormats::interrupts),
                perNode(raw, "numastat", i),
                cgroups.cpu(files(raw, "cgroup-cpu", i)),
                cgroups.memory(files(raw, "cgroup-memory", i)),
                cgroups.pressure(files(raw, "cgroup-pressure", i)),
                orEmptyList(parse(raw, "tasks", i, ProcessFormats::processes)),
                orEmptyList(parse(raw, "tasks", i, ProcessFormats::threads)));
    }

    private static Gauges gauges(RawSnapshot raw, CgroupFormats cgroups) {
        Map<String, String> sysctls = new TreeMap<>();
        for (String probe : List.of("vm-sysctl", "net-sysctl", "sched-sysctl", "resource-sysctl")) {
            files(raw, probe, 0).forEach((path, lines) -> {
                if (!lines.isEmpty() && path.startsWith("/proc/sys/")) {
                    sysctls.put(path.substring("/proc/sys/".length()), lines.get(0).strip());
                }
            });
        }
        Map<String, String> irqAffinity = new TreeMap<>();
        files(raw, "irq-affinity", 0).forEach((path, lines) -> {
            Matcher m = IRQ_AFFINITY.matcher(path);
            if (m.matches() && !lines.isEmpty()) {
                irqAffinity.put(m.group(1), lines.get(0).strip());
            }
        });
        Map<Integer, String> governors = new TreeMap<>();
        files(raw, "cpu-frequency-governor", 0).forEach((path, lines) -> {
            Matcher m = GOVERNOR.matcher(path);
            if (m.matches() && !lines.isEmpty()) {
                governors.put(Integer.parseInt(m.group(1)), lines.get(0).strip());
            }
        });
        List<List<String>> swaps = new ArrayList<>();
        for (String line : lines(raw, "swaps", 0)) {
            String[] f = Numbers.fields(line);
            if (f.length >= 5 && !f[0].equals("Filename")) {
                swaps.add(List.of(f));
            }
        }
        Map<String, List<String>> thpFiles = files(raw, "thp", 0);
        Thp thp = thpFiles.isEmpty() ? null : new Thp(
                MemoryFormats.bracketed(thpFiles.getOrDefault("/sys/kernel/mm/transparent_hugepage/enabled", List.of())),
                MemoryFormats.bracketed(thpFiles.getOrDefault("/sys/kernel/mm/transparent_hugepage/defrag", List.of())));
        return new Gauges(
                parse(raw, "loadavg", 0, CpuFormats::loadavg),
                orEmpty(parse(raw, "meminfo", 0, MemoryFormats::keyValues)),
                sysctls,
                perNode(raw, "node-meminfo", 0),
                swaps,
                thp,
                blockQueues(files(raw, "block-queue", 0)),
                orEmpty(parse(raw, "sockstat", 0, IoNetFormats::sockstat)),
                orEmptyList(parse(raw, "tcp-listen", 0, IoNetFormats::listen)),
                orEmptyList(parse(raw, "kernel-log", 0, KernelLogFormat::parse)),
                cgroups.layout(),
                cgroups.cpuLimits(files(raw, "cgroup-cpu-limits", 0)),
                orEmpty(parse(raw, "process-swap", 0, ProcessFormats::swapKb)),
                irqAffinity,
                governors,
                lines(raw, "lock-stat", 0),
                software(raw),
                ResourceFormats.processCgroups(lines(raw, "process-cgroups", 0)));
    }

    private static SoftwareResources software(RawSnapshot raw) {
        return new SoftwareResources(
                ResourceFormats.cgroupPids(ResourceFormats.pids(files(raw, "cgroup-pids", 0)),
                        ResourceFormats.pids(files(raw, "cgroup-pids", 1))),
                ResourceFormats.openFds(lines(raw, "open-fds", 0)), truncated(raw, "open-fds"),
                ResourceFormats.fdSoftLimits(lines(raw, "fd-limits", 0)),
                ResourceFormats.tcpSockets(lines(raw, "tcp-sockets", 0)), truncated(raw, "tcp-sockets"));
    }

    private static boolean truncated(RawSnapshot raw, String probe) {
        return raw.reading(probe).map(ProbeReading::truncated).orElse(false);
    }

    private static List<BlockQueue> blockQueues(Map<String, List<String>> files) {
        Map<String, String[]> byDevice = new TreeMap<>();
        files.forEach((path, lines) -> {
            Matcher m = BLOCK_QUEUE.matcher(path);
            if (!m.matches() || lines.isEmpty()) {
                return;
            }
            String[] v = byDevice.computeIfAbsent(m.group(1), k -> new String[4]);
            switch (m.group(2)) {
                case "scheduler" -> v[0] = MemoryFormats.bracketed(lines);
                case "rotational" -> v[1] = lines.get(0).strip();
                case "nr_requests" -> v[2] = lines.get(0).strip();
                case "read_ahead_kb" -> v[3] = lines.get(0).strip();
                default -> {
                }
            }
        });
        List<BlockQueue> out = new ArrayList<>();
        byDevice.forEach((dev, v) -> out.add(new BlockQueue(dev, v[0],
                v[1] == null ? null : "1".equals(v[1]), intOrNull(v[2]), intOrNull(v[3]))));
        return out;
    }

    private static <T> List<T> perFile(RawSnapshot raw, String probe, int i, Pattern path,
            java.util.function.BiFunction<String, List<String>, T> parser) {
        List<T> out = new ArrayList<>();
        files(raw, probe, i).forEach((p, lines) -> {
            Matcher m = path.matcher(p);
            if (m.matches()) {
                T t = parser.apply(m.group(1), lines);
                if (t != null) {
                    out.add(t);
                }
            }
        });
        return out;
    }

    private static Map<Integer, Map<String, Long>> perNode(RawSnapshot raw, String probe, int i) {
        Map<Integer, Map<String, Long>> out = new TreeMap<>();
        files(raw, probe, i).forEach((path, lines) -> {
            Matcher m = NODE_FILE.matcher(path);
            if (m.matches()) {
                List<String> stripped = new ArrayList<>();
                // node meminfo lines read "Node 0 MemFree: 123 kB"
                for (String line : lines) {
                    stripped.add(line.startsWith("Node ") ? line.replaceFirst("^Node \\d+ ", "") : line);
                }
                out.put(Integer.parseInt(m.group(1)), MemoryFormats.keyValues(stripped));
            }
        });
        return out;
    }

    private static <T> T parse(RawSnapshot raw, String probe, int i, Function<List<String>, T> parser) {
        List<String> lines = lines(raw, probe, i);
        return lines.isEmpty() ? null : parser.apply(lines);
    }

    private static List<String> lines(RawSnapshot raw, String probe, int i) {
        return raw.reading(probe).map(r -> r.lines(i)).orElse(List.of());
    }

    private static Map<String, List<String>> files(RawSnapshot raw, String probe, int i) {
        return raw.reading(probe).map((ProbeReading r) -> r.files(i)).orElse(Map.of());
    }

    private static String firstLine(RawSnapshot raw, String probe) {
        List<String> lines = lines(raw, probe, 0);
        return lines.isEmpty() ? null : lines.get(0).strip();
    }

    private static Integer intOrNull(String s) {
        long v = Numbers.parseLong(s == null ? null : s.strip());
        return v == Numbers.MISSING || v > Integer.MAX_VALUE ? null : (int) v;
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }

    private static <T> List<T> orEmptyList(List<T> l) {
        return l == null ? List.of() : l;
    }
}
