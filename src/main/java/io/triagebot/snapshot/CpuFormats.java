package io.triagebot.snapshot;

import java.util.ArrayList;
import java.util.List;

/** Parsers for /proc/stat, /proc/loadavg, /proc/schedstat, /proc/interrupts and /proc/softirqs. */
final class CpuFormats {

    private CpuFormats() {
    }

    static ProcStat stat(List<String> lines) {
        CpuTimes total = null;
        List<CpuTimes> perCpu = new ArrayList<>();
        long ctxt = 0;
        long intr = 0;
        long softirq = 0;
        long forks = 0;
        int running = 0;
        int blocked = 0;
        for (String line : lines) {
            String[] f = Numbers.fields(line);
            if (f.length < 2) {
                continue;
            }
            String key = f[0];
            if (key.equals("cpu")) {
                total = cpuTimes(-1, f);
            } else if (key.startsWith("cpu")) {
                long n = Numbers.parseLong(key.substring(3));
                if (n >= 0 && n < 100_000) {
                    perCpu.add(cpuTimes((int) n, f));
                }
            } else {
                long v = Numbers.orZero(Numbers.parseLong(f[1]));
                switch (key) {
                    case "ctxt" -> ctxt = v;
                    case "intr" -> intr = v;
                    case "softirq" -> softirq = v;
                    case "processes" -> forks = v;
                    case "procs_running" -> running = (int) v;
                    case "procs_blocked" -> blocked = (int) v;
                    default -> {
                        // btime and future keys
                    }
                }
            }
        }
        if (total == null || perCpu.isEmpty()) {
            return null;
        }
        return new ProcStat(total, List.copyOf(perCpu), ctxt, intr, softirq, forks, running, blocked);
    }

    private static CpuTimes cpuTimes(int cpu, String[] f) {
        long[] v = new long[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1 < f.length ? Numbers.orZero(Numbers.parseLong(f[i + 1])) : 0;
        }
        return new CpuTimes(cpu, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
    }

    static LoadAvg loadavg(List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        String[] f = Numbers.fields(lines.get(0));
        if (f.length < 4) {
            return null;
        }
        String[] rt = f[3].split("/");
        double one = Numbers.parseDouble(f[0]);
        if (Double.isNaN(one) || rt.length != 2) {
            return null;
        }
        return new LoadAvg(one, Numbers.parseDouble(f[1]), Numbers.parseDouble(f[2]),
                (int) Numbers.orZero(Numbers.parseLong(rt[0])), (int) Numbers.orZero(Numbers.parseLong(rt[1])));
    }

    static SchedStat schedstat(List<String> lines) {
        List<SchedStat.Cpu> cpus = new ArrayList<>();
        for (String line : lines) {
            String[] f = Numbers.fields(line);
            // "cpuN" then 9 numbers since version 15; the last three are running, waiting, timeslices.
            if (f.length >= 4 && f[0].startsWith("cpu") && f[0].length() > 3) {
                long n = Numbers.parseLong(f[0].substring(3));
                long run = Numbers.parseLong(f[f.length - 3]);
                long wait = Numbers.parseLong(f[f.length - 2]);
                long slices = Numbers.parseLong(f[f.length - 1]);
                if (n >= 0 && run != Numbers.MISSING && wait != Numbers.MISSING) {
                    cpus.add(new SchedStat.Cpu((int) n, run, wait, Numbers.orZero(slices)));
                }
            }
        }
        return cpus.isEmpty() ? null : new SchedStat(List.copyOf(cpus));
    }

    /** /proc/interrupts and /proc/softirqs share a layout: a CPU header, then "ID: counts... description". */
    static Interrupts interrupts(List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        List<Integer> columns = new ArrayList<>();
        for (String h : Numbers.fields(lines.get(0))) {
            if (h.startsWith("CPU")) {
                long n = Numbers.parseLong(h.substring(3));
                if (n >= 0) {
                    columns.add((int) n);
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        List<Interrupts.Source> sources = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String id = line.substring(0, colon).strip();
            String[] f = Numbers.fields(line.substring(colon + 1));
            long[] counts = new long[columns.size()];
            int i = 0;
            while (i < f.length && i < counts.length) {
                long v = Numbers.parseLong(f[i]);
                if (v == Numbers.MISSING) {
                    break;
                }
                counts[i++] = v;
            }
            if (i == 0) {
                continue;
            }
            String description = String.join(" ", java.util.Arrays.copyOfRange(f, i, f.length));
            sources.add(new Interrupts.Source(id, counts, description));
        }
        return new Interrupts(List.copyOf(columns), List.copyOf(sources));
    }
}
