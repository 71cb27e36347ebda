package io.triagebot.analysis;

import io.triagebot.snapshot.KernelLogLine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the kernel log lines that mean "escalate" (triage reference, escalation triggers). Each trigger
 * keeps its newest line, its age and how many times it appeared; a line older than the recent horizon is
 * reported as history and does not raise the report's severity.
 */
public final class EscalationScanner {

    /**
     * One trigger: its id, what it means when recent, its regex and the advice. The regex only runs on
     * lines containing one of its literal words, so a long, healthy log costs a few substring searches.
     */
    record Trigger(String id, Severity severity, Pattern pattern, String advice, List<String> words) {

        Trigger(String id, Severity severity, Pattern pattern, String advice) {
            this(id, severity, pattern, advice, literalWords(pattern.pattern()));
        }

        boolean matches(String line) {
            for (String w : words) {
                if (line.contains(w)) {
                    return pattern.matcher(line).find();
                }
            }
            return false;
        }

        /**
         * The longest literal run of each top-level alternative: a line matching the alternative must
         * contain it. Escapes, character classes and groups end a run, and nothing inside a group counts
         * (it may be optional or hold alternatives of its own).
         */
        static List<String> literalWords(String regex) {
            List<String> words = new ArrayList<>();
            for (String alternative : topLevelAlternatives(regex)) {
                String best = "";
                StringBuilder run = new StringBuilder();
                int depth = 0;
                for (int i = 0; i < alternative.length(); i++) {
                    char c = alternative.charAt(i);
                    if (c == '(' || (depth > 0 && c != ')')) {
                        if (c == '(') {
                            depth++;
                        } else if (c == '\\') {
                            i++;
                        }
                        best = run.length() > best.length() ? run.toString() : best;
                        run.setLength(0);
                    } else if (c == ')') {
                        depth--;
                    } else if (Character.isLetterOrDigit(c) || c == ' ' || c == ':' || c == '-' || c == '_'
                            || c == '#' || c == ',') {
                        run.append(c);
                    } else {
                        if (c == '\\') {
                            i++;
                        }
                        if (i + 1 < alternative.length() && "?*{".indexOf(alternative.charAt(i + 1)) >= 0
                                && run.length() > 0) {
                            run.setLength(run.length() - 1);
                        }
                        best = run.length() > best.length() ? run.toString() : best;
                        run.setLength(0);
                    }
                }
                best = run.length() > best.length() ? run.toString() : best;
                if (best.isEmpty()) {
                    return List.of("");
                }
                words.add(best);
            }
            return words;
        }

        private static List<String> topLevelAlternatives(String regex) {
            List<String> out = new ArrayList<>();
            int depth = 0;
            int start = 0;
            for (int i = 0; i < regex.length(); i++) {
                char c = regex.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                } else if (c == '|' && depth == 0) {
                    out.add(regex.substring(start, i));
                    start = i + 1;
                }
            }
            out.add(regex.substring(start));
            return out;
        }
    }

    static final List<Trigger> TRIGGERS = List.of(
            new Trigger("kernel-oops", Severity.CRITICAL,
                    Pattern.compile("Oops:|BUG: unable to handle|kernel BUG at|Kernel panic - not syncing|general protection fault"),
                    "Kernel bug: escalate to the kernel/vendor team; keep the full dmesg and the exact kernel build."),
            new Trigger("hard-lockup", Severity.CRITICAL, Pattern.compile("Watchdog detected hard LOCKUP on cpu \\d+"),
                    "A CPU stopped taking interrupts: escalate; consider draining the host; keep the stack trace."),
            new Trigger("soft-lockup", Severity.HIGH, Pattern.compile("BUG: soft lockup - CPU#\\d+ stuck for \\d+s"),
                    "A CPU ran kernel code for over 20 s without scheduling: escalate with the stack trace."),
            new Trigger("hung-task", Severity.HIGH, Pattern.compile("INFO: task \\S+:\\d+ blocked for more than \\d+ seconds"),
                    "A task waited over 120 s in D state: check storage and NFS; escalate with the stack trace."),
            new Trigger("rcu-stall", Severity.HIGH,
                    Pattern.compile("rcu_\\w+ (detected stalls on CPUs/tasks|self-detected stall on CPU)"),
                    "RCU grace periods are stuck: escalate to the kernel team with the stall report."),
            new Trigger("workqueue-lockup", Severity.HIGH, Pattern.compile("BUG: workqueue lockup"),
                    "A kernel workqueue stopped making progress: escalate with the full log."),
            new Trigger("oom-kill", Severity.HIGH,
                    Pattern.compile("invoked oom-killer|oom-kill:constraint=|Out of memory: Kill(ed)? process \\d+|Memory cgroup out of memory"),
                    "The OOM killer ran: find the victim and the cgroup limit it hit; protect critical services."),
            new Trigger("hardware-error", Severity.CRITICAL,
                    Pattern.compile("mce: \\[Hardware Error\\]|Machine check events logged|EDAC \\S+: \\d+ (CE|UE)"),
                    "Hardware fault reported: escalate to the hardware vendor; plan to drain and replace."),
            new Trigger("storage-error", Severity.CRITICAL,
                    Pattern.compile("nvme\\d+: I/O \\d+ QID \\d+ timeout, (aborting|reset controller)|controller is down"
                            + "|timing out command, waited \\d+s|I/O error, dev \\S+"),
                    "Storage errors: check the device and controller; escalate to storage/vendor; expect I/O stalls."),
            new Trigger("irq-nobody-cared", Severity.HIGH, Pattern.compile("irq \\d+: nobody cared|Disabling IRQ #\\d+"),
                    "An interrupt line fired with no handler and was disabled: a device is misbehaving; escalate."),
            new Trigger("clocksource-unstable", Severity.MEDIUM,
                    Pattern.compile("Marking clocksource '?\\S+'? as unstable|timekeeping watchdog on CPU\\d+|clocksource watchdog"
                            + "|TSC found unstable"),
                    "The kernel stopped trusting its clock source (usually the TSC, on a VM under steal or a host with"
                            + " unsynchronised TSCs) and fell back to a slower one (hpet, acpi_pm): every clock_gettime()"
                            + " becomes a costly read, which shows as system time in time-hungry services. Check"
                            + " /sys/devices/system/clocksource/clocksource0/current_clocksource and the host's steal;"
                            + " escalate to the hypervisor or hardware owner. Source: kernel/time/clocksource.c,"
                            + " Documentation/admin-guide/kernel-parameters.txt (clocksource=, tsc=)."),
            new Trigger("neighbour-table-overflow", Severity.HIGH,
                    Pattern.compile("neighbou?r table overflow"),
                    "The ARP/NDP neighbour table is full: new peers cannot be resolved and their packets are dropped."
                            + " Raise net.ipv4.neigh.default.gc_thresh3 (and gc_thresh2; net.ipv6.neigh.default.* for"
                            + " IPv6) above the number of neighbours (`ip neigh | wc -l`). Source:"
                            + " Documentation/networking/ip-sysctl.rst (neigh/default/gc_thresh3)."),
            new Trigger("cgroup-fork-rejected", Severity.HIGH,
                    Pattern.compile("cgroup: fork rejected by pids controller"),
                    "A cgroup reached its pids.max: fork() and clone() fail with EAGAIN in it. Find the cgroup named"
                            + " in the line, compare pids.current with pids.max and raise the limit (systemd: TasksMax=)"
                            + " or stop the task leak. Source: Documentation/admin-guide/cgroup-v1/pids.rst,"
                            + " Documentation/admin-guide/cgroup-v2.rst (pids.max, pids.events)."),
            new Trigger("file-max-reached", Severity.HIGH,
                    Pattern.compile("VFS: file-max limit \\d+ reached"),
                    "The system-wide file handle limit was hit: open() and socket() fail with ENFILE. Compare"
                            + " /proc/sys/fs/file-nr with fs.file-max, find the holders (ls /proc/*/fd | wc -l) and raise"
                            + " fs.file-max if the load is legitimate. Source: fs/file_table.c,"
                            + " Documentation/admin-guide/sysctl/fs.rst (file-max, file-nr)."),
            new Trigger("conntrack-table-full", Severity.HIGH,
                    Pattern.compile("nf_conntrack: table full, dropping packet"),
                    "The connection tracking table is full: new connections are dropped. Compare"
                            + " net.netfilter.nf_conntrack_count with nf_conntrack_max and raise the maximum (and"
                            + " hashsize) or stop tracking the busy flows. Source:"
                            + " Documentation/networking/nf_conntrack-sysctl.rst."),
            new Trigger("tcp-out-of-memory", Severity.HIGH,
                    Pattern.compile("TCP: out of memory -- consider tuning tcp_mem"),
                    "TCP buffers reached net.ipv4.tcp_mem's limit: sockets are being reset. Compare"
                            + " /proc/net/sockstat's TCP mem with tcp_mem and find the sockets holding buffers (ss -tm)."
                            + " Source: Documentation/networking/ip-sysctl.rst (tcp_mem)."),
            new Trigger("callbacks-suppressed", Severity.LOW,
                    Pattern.compile("\\S+: \\d+ callbacks suppressed"),
                    "The kernel rate-limited a burst of messages: the function named here logged this many more lines"
                            + " than the log shows, so the lines around it are undercounted. Source: lib/ratelimit.c,"
                            + " Documentation/admin-guide/sysctl/kernel.rst (printk_ratelimit)."));

    /** A pid in brackets or after a colon, a hex word, any number: the parts of a line that vary. */
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+|\\b[0-9a-f]{8,}\\b");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    /**
     * Lines of a dump that follows a warning (stack frames, registers, module list): the header line is
     * the warning, the rest would crowd out every other template.
     */
    private static final List<String> DUMP_PREFIXES = List.of("Call Trace", "RIP:", "RSP:", "RAX:", "RDX:", "RBP:",
            "R10:", "R13:", "FS:", "CS:", "CR2:", "Code:", "Modules linked in", "CPU: ", "Hardware name", "Workqueue:",
            "<TASK>", "</TASK>", "? ", "---[ end trace");

    private final double recentSeconds;
    private final double warningWindowSeconds;
    private final double warningRecentSeconds;
    private final int warningRepeatCount;
    private final int warningMaxListed;

    public EscalationScanner(Thresholds thresholds) {
        this.recentSeconds = thresholds.value("escalation", "recent-seconds");
        this.warningWindowSeconds = thresholds.value("kernel-warnings", "window-seconds");
        this.warningRecentSeconds = thresholds.value("kernel-warnings", "recent-seconds");
        this.warningRepeatCount = (int) thresholds.value("kernel-warnings", "repeat-count");
        this.warningMaxListed = (int) thresholds.value("kernel-warnings", "max-listed");
    }

    /**
     * @param uptimeSeconds the host's uptime when the log was read, to turn timestamps into ages
     */
    public List<Escalation> scan(List<KernelLogLine> log, double uptimeSeconds) {
        Map<String, Escalation> newest = new LinkedHashMap<>();
        for (KernelLogLine line : log) {
            for (Trigger t : TRIGGERS) {
                if (!t.matches(line.text())) {
                    continue;
                }
                double age = age(line, uptimeSeconds);
                // Without a timestamp the age is unknown: treat as recent, since it may be.
                boolean recent = Double.isNaN(age) || age <= recentSeconds;
                Escalation before = newest.get(t.id());
                int count = before == null ? 1 : before.count() + 1;
                newest.put(t.id(), new Escalation(t.id(), t.severity(), clip(line.text()), age, recent, count,
                        t.advice()));
                break;
            }
        }
        List<Escalation> out = new ArrayList<>(newest.values());
        out.sort(Comparator.comparing(Escalation::recent).reversed()
                .thenComparing(Escalation::severity, Comparator.reverseOrder()));
        return out;
    }

    /**
     * Lines at warning level or above, within kernel-warnings.window-seconds (or of unknown age), that no
     * trigger recognises, folded by template: the most frequent first, at most max-listed of them.
     */
    public KernelWarnings warnings(List<KernelLogLine> log, double uptimeSeconds) {
        if (log == null || log.isEmpty()) {
            return KernelWarnings.NONE;
        }
        boolean levelsKnown = false;
        Map<String, KernelWarning> byTemplate = new LinkedHashMap<>();
        for (KernelLogLine line : log) {
            levelsKnown |= line.level() >= 0;
            if (!line.warningOrAbove() || isDump(line.text()) || recognised(line.text())) {
                continue;
            }
            double age = age(line, uptimeSeconds);
            if (!Double.isNaN(age) && age > warningWindowSeconds) {
                continue;
            }
            String template = template(line.text());
            KernelWarning before = byTemplate.get(template);
            int count = before == null ? 1 : before.count() + 1;
            int level = before == null ? line.level() : Math.min(before.level(), line.level());
            byTemplate.put(template, new KernelWarning(clip(template), clip(line.text()), count, age, level));
        }
        if (!levelsKnown) {
            return new KernelWarnings(List.of(), 0, 0, false, Severity.LOW);
        }
        List<KernelWarning> all = new ArrayList<>(byTemplate.values());
        all.sort(Comparator.comparingInt(KernelWarning::count).reversed()
                .thenComparing(KernelWarning::level)
                .thenComparingDouble(w -> Double.isNaN(w.ageSeconds()) ? 0 : w.ageSeconds()));
        Severity severity = Severity.LOW;
        for (KernelWarning w : all) {
            boolean recent = Double.isNaN(w.ageSeconds()) || w.ageSeconds() <= warningRecentSeconds;
            if (recent && w.count() >= warningRepeatCount) {
                severity = Severity.MEDIUM;
            }
        }
        List<KernelWarning> shown = all.subList(0, Math.min(warningMaxListed, all.size()));
        int moreLines = all.subList(shown.size(), all.size()).stream().mapToInt(KernelWarning::count).sum();
        return new KernelWarnings(shown, all.size() - shown.size(), moreLines, true, severity);
    }

    /** The line with numbers, hex addresses and pids folded to '#', so repeats of one message group. */
    static String template(String text) {
        return NUMBER.matcher(HEX.matcher(text).replaceAll("#")).replaceAll("#");
    }

    private static boolean recognised(String text) {
        for (Trigger t : TRIGGERS) {
            if (t.matches(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDump(String text) {
        if (text.isEmpty() || Character.isWhitespace(text.charAt(0))) {
            return true;
        }
        for (String p : DUMP_PREFIXES) {
            if (text.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static double age(KernelLogLine line, double uptimeSeconds) {
        return Double.isNaN(line.secondsSinceBoot()) || Double.isNaN(uptimeSeconds) ? Double.NaN
                : Math.max(0, uptimeSeconds - line.secondsSinceBoot());
    }

    private static String clip(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
