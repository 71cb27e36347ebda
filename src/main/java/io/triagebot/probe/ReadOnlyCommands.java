package io.triagebot.probe;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The programs a command probe may run, and the options that would make them change something.
 * Several read-mostly tools have a writing mode (dmesg -c clears the ring buffer, sysctl -w sets a value,
 * journalctl --vacuum-size deletes journals, ss -K kills sockets); those options are refused outright,
 * in long form, short form, and inside combined short flags ("-cT").
 */
final class ReadOnlyCommands {

    /** A program's writing options: long ones by prefix, short ones by letter. */
    private record Policy(List<String> longPrefixes, String shortLetters, boolean noAssignments) {
    }

    private static final Policy READS_ONLY = new Policy(List.of(), "", false);

    private static final Map<String, Policy> PROGRAMS = Map.ofEntries(
            Map.entry("cat", READS_ONLY),
            Map.entry("head", READS_ONLY),
            Map.entry("grep", READS_ONLY),
            Map.entry("ls", READS_ONLY),
            Map.entry("ps", READS_ONLY),
            Map.entry("getconf", READS_ONLY),
            Map.entry("uname", READS_ONLY),
            // tail -f never ends; the deadline would catch it but it is never what a probe wants.
            Map.entry("tail", new Policy(List.of("--follow", "--retry"), "fF", false)),
            Map.entry("dmesg", new Policy(List.of("--clear", "--read-clear", "--console-level", "--console-off",
                    "--console-on", "--follow", "--follow-new"), "cCnDEwW", false)),
            Map.entry("journalctl", new Policy(List.of("--vacuum", "--rotate", "--flush", "--sync", "--relinquish-var",
                    "--smart-relinquish-var", "--setup-keys", "--update-catalog", "--follow"), "f", false)),
            Map.entry("sysctl", new Policy(List.of("--write", "--load", "--system"), "wp", true)),
            Map.entry("ss", new Policy(List.of("--kill"), "K", false)));

    private ReadOnlyCommands() {
    }

    static Set<String> programs() {
        return new java.util.TreeSet<>(PROGRAMS.keySet());
    }

    /** Why {@code argv} could change the target, or null when it only reads. */
    static String problemWith(List<String> argv) {
        Policy policy = PROGRAMS.get(argv.get(0));
        if (policy == null) {
            return "'" + argv.get(0) + "' is not one of the read-only programs a probe may run " + programs();
        }
        for (String arg : argv.subList(1, argv.size())) {
            if (arg.startsWith("--")) {
                for (String prefix : policy.longPrefixes()) {
                    if (arg.startsWith(prefix)) {
                        return "'" + argv.get(0) + " " + arg + "' changes the host; probes only read";
                    }
                }
            } else if (arg.startsWith("-") && arg.length() > 1) {
                for (char c : arg.substring(1).toCharArray()) {
                    if (policy.shortLetters().indexOf(c) >= 0) {
                        return "'" + argv.get(0) + " " + arg + "' changes the host (-" + c + "); probes only read";
                    }
                }
            }
            if (policy.noAssignments() && arg.contains("=")) {
                return "'" + argv.get(0) + " " + arg + "' would set a value; probes only read";
            }
        }
        return null;
    }
}
