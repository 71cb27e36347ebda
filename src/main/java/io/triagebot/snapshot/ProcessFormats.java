package io.triagebot.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for /proc/PID/stat, the per-thread stat and wchan listing, and VmSwap lines. */
final class ProcessFormats {

    private static final Pattern TASK_PATH = Pattern.compile("/proc/(\\d+)/task/(\\d+)/(stat|wchan):(.*)");
    private static final Pattern PROCESS_PATH = Pattern.compile("/proc/(\\d+)/stat:(.*)");
    private static final Pattern SWAP_LINE = Pattern.compile("/proc/(\\d+)/status:VmSwap:\\s*(\\d+)\\s*kB");

    private ProcessFormats() {
    }

    /**
     * One /proc/PID/stat line. The command name sits in parentheses and may itself contain spaces and
     * parentheses (a process can name itself anything), so the fields start after the LAST ')'.
     */
    static ProcessStat stat(String line, int pidOverride, int tidOverride) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open <= 0 || close < open) {
            return null;
        }
        long pid = Numbers.parseLong(line.substring(0, open).strip());
        String[] f = Numbers.fields(line.substring(close + 1));
        // f[0] is field 3 (state); field N is f[N - 3].
        if (pid < 0 || f.length < 22 || f[0].length() != 1) {
            return null;
        }
        long ppid = Numbers.parseLong(f[1]);
        long minflt = Numbers.parseLong(f[7]);
        long majflt = Numbers.parseLong(f[9]);
        long utime = Numbers.parseLong(f[11]);
        long stime = Numbers.parseLong(f[12]);
        long threads = Numbers.parseLong(f[17]);
        long rss = Numbers.parseLong(f[21]);
        long start = Numbers.parseLong(f[19]);
        if (utime == Numbers.MISSING || stime == Numbers.MISSING) {
            return null;
        }
        int p = pidOverride > 0 ? pidOverride : (int) pid;
        int t = tidOverride > 0 ? tidOverride : (int) pid;
        return new ProcessStat(p, t, line.substring(open + 1, close), f[0].charAt(0), (int) Numbers.orZero(ppid),
                Numbers.orZero(minflt), Numbers.orZero(majflt), utime, stime, (int) Numbers.orZero(threads),
                Numbers.orZero(rss), start == Numbers.MISSING || start < 0 ? -1 : start);
    }

    /**
     * Process lines of the tasks listing ("/proc/PID/stat:..."), or bare /proc/PID/stat lines as cat
     * prints them; thread lines are skipped here.
     */
    static List<ProcessStat> processes(List<String> lines) {
        List<ProcessStat> out = new ArrayList<>();
        for (String line : lines) {
            String stat = line;
            if (line.startsWith("/proc/")) {
                Matcher m = PROCESS_PATH.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                stat = m.group(2);
            }
            ProcessStat p = stat(stat, 0, 0);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    static List<ThreadInfo> threads(List<String> lines) {
        Map<Long, ProcessStat> stats = new HashMap<>();
        Map<Long, String> wchans = new HashMap<>();
        List<Long> order = new ArrayList<>();
        for (String line : lines) {
            Matcher m = TASK_PATH.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int pid = Integer.parseInt(m.group(1));
            int tid = Integer.parseInt(m.group(2));
            long key = ((long) pid << 32) | tid;
            if (m.group(3).equals("stat")) {
                ProcessStat s = stat(m.group(4), pid, tid);
                if (s != null && stats.put(key, s) == null) {
                    order.add(key);
                }
            } else {
                String w = m.group(4).strip();
                wchans.put(key, w.isEmpty() || w.equals("0") ? null : w);
            }
        }
        List<ThreadInfo> out = new ArrayList<>(order.size());
        for (long key : order) {
            out.add(new ThreadInfo(stats.get(key), wchans.get(key)));
        }
        return out;
    }

    static Map<Integer, Long> swapKb(List<String> lines) {
        Map<Integer, Long> out = new HashMap<>();
        for (String line : lines) {
            Matcher m = SWAP_LINE.matcher(line.strip());
            if (m.matches()) {
                long kb = Numbers.parseLong(m.group(2));
                if (kb > 0) {
                    out.put(Integer.parseInt(m.group(1)), kb);
                }
            }
        }
        return out;
    }
}
