package io.triagebot.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns cgroup files (v1 and v2, any mix) into per-cgroup records. Which version a file belongs to comes
 * from /proc/self/mounts (the longest cgroup mount point that contains it); without mounts it is inferred
 * from the file's name and fields.
 */
final class CgroupFormats {

    /** v1 reports "no limit" as PAGE_COUNTER_MAX in bytes, a number near 2^63. */
    private static final long V1_UNLIMITED = 1L << 60;

    private final List<Mount> mounts;

    /** A cgroup filesystem mount: its point and version. */
    record Mount(String point, int version) {
    }

    CgroupFormats(List<String> mountLines) {
        List<Mount> found = new ArrayList<>();
        for (String line : mountLines) {
            String[] f = Numbers.fields(line);
            if (f.length >= 3 && (f[2].equals("cgroup2") || f[2].equals("cgroup"))) {
                found.add(new Mount(unescape(f[1]), f[2].equals("cgroup2") ? 2 : 1));
            }
        }
        found.sort(Comparator.comparingInt((Mount m) -> m.point().length()).reversed());
        this.mounts = List.copyOf(found);
    }

    /** The cgroup version mounted at /sys/fs/cgroup or below: 2, 1, hybrid (both) or 0 unknown. */
    String layout() {
        boolean v1 = mounts.stream().anyMatch(m -> m.version() == 1);
        boolean v2 = mounts.stream().anyMatch(m -> m.version() == 2);
        return v1 && v2 ? "hybrid" : v2 ? "v2" : v1 ? "v1" : "unknown";
    }

    /** Where a cgroup file lives: its version and its cgroup path ("/" for a hierarchy's root). */
    record Location(int version, String path, String file) {
    }

    Location locate(String filePath, int guessedVersion) {
        int slash = filePath.lastIndexOf('/');
        String dir = filePath.substring(0, slash);
        String file = filePath.substring(slash + 1);
        for (Mount m : mounts) {
            if (dir.equals(m.point()) || dir.startsWith(m.point() + "/")) {
                String rel = dir.substring(m.point().length());
                return new Location(m.version(), rel.isEmpty() ? "/" : rel, file);
            }
        }
        // No mounts: assume the usual layout under /sys/fs/cgroup.
        String rel = dir.startsWith("/sys/fs/cgroup") ? dir.substring("/sys/fs/cgroup".length()) : dir;
        if (guessedVersion == 1 && rel.indexOf('/', 1) > 0) {
            rel = rel.substring(rel.indexOf('/', 1));
        } else if (guessedVersion == 1) {
            rel = "/";
        }
        return new Location(guessedVersion, rel.isEmpty() ? "/" : rel, file);
    }

    List<CgroupCpu> cpu(Map<String, List<String>> files) {
        Map<String, CgroupCpu> out = new TreeMap<>();
        files.forEach((path, lines) -> {
            if (!path.endsWith("/cpu.stat")) {
                return;
            }
            Map<String, Long> kv = MemoryFormats.keyValues(lines);
            int guessed = kv.containsKey("usage_usec") ? 2 : 1;
            Location loc = locate(path, guessed);
            long periods = kv.getOrDefault("nr_periods", -1L);
            long throttled = kv.getOrDefault("nr_throttled", -1L);
            long throttledMicros = kv.containsKey("throttled_usec") ? kv.get("throttled_usec")
                    : kv.containsKey("throttled_time") ? kv.get("throttled_time") / 1000 : -1L;
            if (periods < 0 && !kv.containsKey("usage_usec")) {
                return;
            }
            out.put(loc.version() + ":" + loc.path(), new CgroupCpu(loc.path(), loc.version(), Math.max(periods, 0),
                    Math.max(throttled, 0), Math.max(throttledMicros, 0), kv.getOrDefault("usage_usec", -1L)));
        });
        return List.copyOf(out.values());
    }

    List<CgroupCpuLimit> cpuLimits(Map<String, List<String>> files) {
        Map<String, long[]> byGroup = new TreeMap<>();
        Map<String, Location> where = new LinkedHashMap<>();
        files.forEach((path, lines) -> {
            if (lines.isEmpty()) {
                return;
            }
            String[] f = Numbers.fields(lines.get(0));
            if (f.length == 0) {
                return;
            }
            if (path.endsWith("/cpu.max") && f.length == 2) {
                Location loc = locate(path, 2);
                long quota = f[0].equals("max") ? -1 : Numbers.parseLong(f[0]);
                long period = Numbers.parseLong(f[1]);
                if (quota != Numbers.MISSING && period != Numbers.MISSING) {
                    String key = "2:" + loc.path();
                    byGroup.put(key, new long[] {quota, period});
                    where.put(key, loc);
                }
            } else if (path.endsWith("/cpu.cfs_quota_us") || path.endsWith("/cpu.cfs_period_us")) {
                Location loc = locate(path, 1);
                String key = "1:" + loc.path();
                long[] qp = byGroup.computeIfAbsent(key, k -> new long[] {-1, 100_000});
                long v = Numbers.parseLong(f[0]);
                if (v != Numbers.MISSING) {
                    qp[path.endsWith("quota_us") ? 0 : 1] = v;
                }
                where.put(key, loc);
            }
        });
        List<CgroupCpuLimit> out = new ArrayList<>();
        byGroup.forEach((key, qp) -> {
            Location loc = where.get(key);
            out.add(new CgroupCpuLimit(loc.path(), loc.version(), qp[0] < 0 ? -1 : qp[0], qp[1]));
        });
        return out;
    }

    List<CgroupMemory> memory(Map<String, List<String>> files) {
        Map<String, long[]> byGroup = new TreeMap<>();
        Map<String, Location> where = new LinkedHashMap<>();
        files.forEach((path, lines) -> {
            if (lines.isEmpty()) {
                return;
            }
            String name = path.substring(path.lastIndexOf('/') + 1);
            int version = name.contains("_in_bytes") || name.equals("memory.oom_control") ? 1 : 2;
            Location loc = locate(path, version);
            String key = loc.version() + ":" + loc.path();
            // usage, limit, swap, oomKills, oomEvents, high, max, memsw (v1 scratch)
            long[] v = byGroup.computeIfAbsent(key, k -> new long[] {-1, -1, -1, -1, -1, -1, -1, -1});
            where.put(key, loc);
            String first = lines.get(0).strip();
            switch (name) {
                case "memory.current", "memory.usage_in_bytes" -> v[0] = Numbers.parseLong(first);
                case "memory.max" -> v[1] = first.equals("max") ? -1 : Numbers.parseLong(first);
                case "memory.limit_in_bytes" -> {
                    long l = Numbers.parseLong(first);
                    v[1] = l >= V1_UNLIMITED ? -1 : l;
                }
                case "memory.swap.current" -> v[2] = Numbers.parseLong(first);
                case "memory.memsw.usage_in_bytes" -> v[7] = Numbers.parseLong(first);
                case "memory.events" -> {
                    Map<String, Long> kv = MemoryFormats.keyValues(lines);
                    v[3] = kv.getOrDefault("oom_kill", -1L);
                    v[4] = kv.getOrDefault("oom", -1L);
                    v[5] = kv.getOrDefault("high", -1L);
                    v[6] = kv.getOrDefault("max", -1L);
                }
                case "memory.oom_control" -> v[3] = MemoryFormats.keyValues(lines).getOrDefault("oom_kill", -1L);
                default -> {
                }
            }
        });
        List<CgroupMemory> out = new ArrayList<>();
        byGroup.forEach((key, v) -> {
            Location loc = where.get(key);
            long swap = v[2];
            if (swap < 0 && v[7] >= 0 && v[0] >= 0) {
                swap = Math.max(0, v[7] - v[0]);
            }
            if (v[0] == Numbers.MISSING || v[0] < 0) {
                return;
            }
            out.add(new CgroupMemory(loc.path(), loc.version(), v[0], v[1] == Numbers.MISSING ? -1 : v[1], swap,
                    v[3], v[4], v[5], v[6]));
        });
        return out;
    }

    List<CgroupPressure> pressure(Map<String, List<String>> files) {
        Map<String, Psi[]> byGroup = new TreeMap<>();
        Map<String, Location> where = new LinkedHashMap<>();
        files.forEach((path, lines) -> {
            Psi psi = MemoryFormats.psi(lines);
            if (psi == null) {
                return;
            }
            Location loc = locate(path, 2);
            String key = loc.path();
            Psi[] p = byGroup.computeIfAbsent(key, k -> new Psi[3]);
            where.put(key, loc);
            switch (loc.file()) {
                case "cpu.pressure" -> p[0] = psi;
                case "memory.pressure" -> p[1] = psi;
                case "io.pressure" -> p[2] = psi;
                default -> {
                }
            }
        });
        List<CgroupPressure> out = new ArrayList<>();
        byGroup.forEach((key, p) -> out.add(new CgroupPressure(where.get(key).path(), p[0], p[1], p[2])));
        return out;
    }

    /** Mount points escape space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape after all
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
