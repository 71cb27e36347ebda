package io.triagebot.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsers for block device stats and the network files of /proc/net. */
final class IoNetFormats {

    private IoNetFormats() {
    }

    /** One /sys/block/DEV/stat line: 11, 15 or 17 numbers depending on the kernel. */
    static BlockDevice blockStat(String name, List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        String[] f = Numbers.fields(lines.get(0));
        if (f.length < 11) {
            return null;
        }
        long[] v = new long[17];
        int n = Math.min(f.length, 17);
        for (int i = 0; i < n; i++) {
            v[i] = Numbers.parseLong(f[i]);
            if (v[i] == Numbers.MISSING) {
                return null;
            }
        }
        return new BlockDevice(name, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[14],
                v[15], v[16], n);
    }

    /**
     * /proc/net/snmp and /proc/net/netstat: pairs of lines, a header ("Tcp: RtoAlgorithm ...") then the
     * values ("Tcp: 1 ..."). Returns protocol, then counter name, then value.
     */
    static Map<String, Map<String, Long>> headerValuePairs(List<String> lines) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            String[] names = Numbers.fields(lines.get(i));
            String[] values = Numbers.fields(lines.get(i + 1));
            if (names.length < 2 || values.length != names.length || !names[0].endsWith(":")
                    || !names[0].equals(values[0])) {
                continue;
            }
            if (Numbers.parseLong(values[1]) == Numbers.MISSING) {
                continue;
            }
            Map<String, Long> proto = out.computeIfAbsent(names[0].substring(0, names[0].length() - 1),
                    k -> new LinkedHashMap<>());
            for (int k = 1; k < names.length; k++) {
                long v = Numbers.parseLong(values[k]);
                if (v != Numbers.MISSING) {
                    proto.put(names[k], v);
                }
            }
            i++;
        }
        return out;
    }

    static List<NetInterface> netDev(List<String> lines) {
        List<NetInterface> out = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.contains("|")) {
                continue;
            }
            String[] f = Numbers.fields(line.substring(colon + 1));
            if (f.length < 16) {
                continue;
            }
            long[] v = new long[16];
            boolean ok = true;
            for (int i = 0; i < 16 && ok; i++) {
                v[i] = Numbers.parseLong(f[i]);
                ok = v[i] != Numbers.MISSING;
            }
            if (ok) {
                out.add(new NetInterface(line.substring(0, colon).strip(), v[0], v[1], v[2], v[3], v[8], v[9], v[10],
                        v[11]));
            }
        }
        return out;
    }

    /** "TCP: inuse 5 orphan 0 tw 0 alloc 7 mem 1" into TCP -> {inuse=5, ...}. */
    static Map<String, Map<String, Long>> sockstat(List<String> lines) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String[] f = Numbers.fields(line.substring(colon + 1));
            Map<String, Long> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < f.length; i += 2) {
                long v = Numbers.parseLong(f[i + 1]);
                if (v != Numbers.MISSING) {
                    m.put(f[i], v);
                }
            }
            out.put(line.substring(0, colon).strip(), m);
        }
        return out;
    }

    static List<SoftnetStat> softnet(List<String> lines) {
        List<SoftnetStat> out = new ArrayList<>();
        int row = 0;
        for (String line : lines) {
            String[] f = Numbers.fields(line);
            if (f.length < 3) {
                continue;
            }
            long processed = Numbers.parseHex(f[0]);
            long dropped = Numbers.parseHex(f[1]);
            long squeeze = Numbers.parseHex(f[2]);
            if (processed == Numbers.MISSING || dropped == Numbers.MISSING || squeeze == Numbers.MISSING) {
                continue;
            }
            // Rows skip offline CPUs; since 5.10 the 13th column says which CPU a row is.
            int cpu = row;
            if (f.length >= 13) {
                long c = Numbers.parseHex(f[12]);
                if (c != Numbers.MISSING && c < 100_000) {
                    cpu = (int) c;
                }
            }
            out.add(new SoftnetStat(cpu, processed, dropped, squeeze));
            row++;
        }
        return out;
    }

    /**
     * LISTEN rows of /proc/net/tcp and tcp6 (state 0A), as grep printed them: "path:row" when several
     * files were searched. For a listener, rx_queue is the accept queue's current length.
     */
    static List<ListenSocket> listen(List<String> lines) {
        List<ListenSocket> out = new ArrayList<>();
        for (String line : lines) {
            boolean v6 = line.startsWith("/proc/net/tcp6:");
            String row = line.startsWith("/proc/net/tcp") ? line.substring(line.indexOf(':') + 1) : line;
            String[] f = Numbers.fields(row);
            if (f.length < 5 || !f[3].equals("0A")) {
                continue;
            }
            String[] local = f[1].split(":");
            String[] queues = f[4].split(":");
            if (local.length != 2 || queues.length != 2) {
                continue;
            }
            long port = Numbers.parseHex(local[1]);
            long rx = Numbers.parseHex(queues[1]);
            if (port == Numbers.MISSING || rx == Numbers.MISSING || port > 65535) {
                continue;
            }
            out.add(new ListenSocket(address(local[0]), (int) port, rx, v6 || local[0].length() == 32));
        }
        return out;
    }

    /** The kernel prints addresses as host-order hex words; turn IPv4 into dotted form. */
    static String address(String hex) {
        if (hex.length() == 8) {
            long v = Numbers.parseHex(hex);
            if (v == Numbers.MISSING) {
                return hex;
            }
            return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
        }
        if (hex.chars().allMatch(c -> c == '0')) {
            return "::";
        }
        return hex.toLowerCase(java.util.Locale.ROOT);
    }
}
