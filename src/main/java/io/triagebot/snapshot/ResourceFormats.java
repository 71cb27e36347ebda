package io.triagebot.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Software resources: the pids controller's files, /proc/PID/fd listings, /proc/PID/limits, TCP tables. */
final class ResourceFormats {

    /** v1: /sys/fs/cgroup/pids/PATH/pids.max; v2: /sys/fs/cgroup/PATH/pids.max (unified may sit below). */
    private static final Pattern PIDS_FILE = Pattern.compile("/sys/fs/cgroup(?:/pids|/unified)?(/.*?)?/pids\\.(max|current|events)");
    private static final Pattern FD_DIR = Pattern.compile("/proc/(\\d+)/fd:");
    private static final Pattern CGROUP_LINE = Pattern.compile("/proc/(\\d+)/cgroup:(.*)");
    private static final Pattern LIMIT_LINE = Pattern.compile("/proc/(\\d+)/limits:Max open files\\s+(\\S+)\\s+(\\S+).*");

    private ResourceFormats() {
    }

    /** Per cgroup, from the files of one sample: current, max, events "max". */
    static Map<String, long[]> pids(Map<String, List<String>> files) {
        Map<String, long[]> out = new TreeMap<>();
        files.forEach((path, lines) -> {
            Matcher m = PIDS_FILE.matcher(path);
            if (!m.matches() || lines.isEmpty()) {
                return;
            }
            String group = m.group(1) == null ? "/" : m.group(1);
            long[] v = out.computeIfAbsent(group, k -> new long[] {-1, -2, -1});
            switch (m.group(2)) {
                case "current" -> v[0] = Numbers.parseLong(lines.get(0).strip());
                case "max" -> v[1] = "max".equals(lines.get(0).strip()) ? -1 : Numbers.parseLong(lines.get(0).strip());
                default -> {
                    for (String l : lines) {
                        String[] f = Numbers.fields(l);
                        if (f.length == 2 && f[0].equals("max")) {
                            v[2] = Numbers.parseLong(f[1]);
                        }
                    }
                }
            }
        });
        return out;
    }

    static List<SoftwareResources.CgroupPids> cgroupPids(Map<String, long[]> first, Map<String, long[]> second) {
        List<SoftwareResources.CgroupPids> out = new ArrayList<>();
        first.forEach((path, v) -> {
            // The root cgroup has neither pids.max nor pids.events: nothing to compare against.
            if (v[0] < 0 || v[1] == -2 || v[0] == Numbers.MISSING || v[1] == Numbers.MISSING) {
                return;
            }
            long[] later = second.get(path);
            out.add(new SoftwareResources.CgroupPids(path, v[0], v[1], v[2] == Numbers.MISSING ? -1 : v[2],
                    later == null || later[2] == Numbers.MISSING ? -1 : later[2]));
        });
        return out;
    }

    /** ls -1U /proc/PID/fd...: a "/proc/PID/fd:" header, then one line per descriptor. */
    static Map<Integer, Integer> openFds(List<String> lines) {
        Map<Integer, Integer> out = new HashMap<>();
        Integer pid = null;
        for (String line : lines) {
            Matcher m = FD_DIR.matcher(line);
            if (m.matches()) {
                pid = Integer.valueOf(m.group(1));
                out.put(pid, 0);
            } else if (pid != null && !line.isBlank() && !line.startsWith("ls:")) {
                out.merge(pid, 1, Integer::sum);
            }
        }
        return out;
    }

    /** grep -sH "Max open files" /proc/PID/limits: soft limit by pid, -1 for unlimited. */
    static Map<Integer, Long> fdSoftLimits(List<String> lines) {
        Map<Integer, Long> out = new HashMap<>();
        for (String line : lines) {
            Matcher m = LIMIT_LINE.matcher(line);
            if (m.matches()) {
                long soft = "unlimited".equals(m.group(2)) ? -1 : Numbers.parseLong(m.group(2));
                if (soft != Numbers.MISSING) {
                    out.put(Integer.valueOf(m.group(1)), soft);
                }
            }
        }
        return out;
    }

    /** grep -sH ^ /proc/PID/cgroup: the lines of each process. */
    static Map<Integer, List<String>> processCgroups(List<String> lines) {
        Map<Integer, List<String>> out = new HashMap<>();
        for (String line : lines) {
            Matcher m = CGROUP_LINE.matcher(line);
            if (m.matches()) {
                out.computeIfAbsent(Integer.valueOf(m.group(1)), k -> new ArrayList<>()).add(m.group(2));
            }
        }
        return out;
    }

    /** cat /proc/net/tcp /proc/net/tcp6: every socket but listeners, with its local port, peer and state. */
    static List<SoftwareResources.TcpSocket> tcpSockets(List<String> lines) {
        List<SoftwareResources.TcpSocket> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = Numbers.fields(line);
            if (f.length < 4 || !f[0].endsWith(":") || f[3].equals("0A")) {
                continue;
            }
            String[] local = f[1].split(":");
            String[] remote = f[2].split(":");
            if (local.length != 2 || remote.length != 2) {
                continue;
            }
            long port = Numbers.parseHex(local[1]);
            long peerPort = Numbers.parseHex(remote[1]);
            if (port == Numbers.MISSING || peerPort == Numbers.MISSING || port > 65535) {
                continue;
            }
            out.add(new SoftwareResources.TcpSocket((int) port, IoNetFormats.address(remote[0]) + ":" + peerPort, f[3]));
        }
        return out;
    }
}
