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
                    "An interrupt line fired with no handler and was disabled: a device is misbehaving; escalate."));

    private final double recentSeconds;

    public EscalationScanner(Thresholds thresholds) {
        this.recentSeconds = thresholds.value("escalation", "recent-seconds");
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
                double age = Double.isNaN(line.secondsSinceBoot()) || Double.isNaN(uptimeSeconds) ? Double.NaN
                        : Math.max(0, uptimeSeconds - line.secondsSinceBoot());
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

    private static String clip(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
