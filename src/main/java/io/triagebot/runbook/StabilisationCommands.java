package io.triagebot.runbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The allow-list of programs a runbook may run, and the only forms in which it may run them. A runbook
 * file is checked against this list when it is loaded; anything else is refused with the file and line.
 *
 * <table>
 * <caption>Programs and their allowed forms</caption>
 * <tr><th>program</th><th>allowed forms</th></tr>
 * <tr><td>{@code sysctl}</td><td>{@code -n NAME...} (read) or {@code -w NAME=VALUE...} (write); NAME is literal
 *     (a parameter can never choose which setting is written) and writable names are {@code vm.*} (but not
 *     {@code vm.panic_on_oom}), {@code net.core.*}, {@code net.ipv4.tcp_*}, {@code kernel.numa_balancing}, and the capacity limits
 *     {@code kernel.pid_max} and {@code fs.file-max}</td></tr>
 * <tr><td>{@code tee}</td><td>{@code tee PATH} with the value on standard input ({@code input}); PATH is one of
 *     the writable kernel files below; no options</td></tr>
 * <tr><td>{@code cat}</td><td>{@code cat PATH...} under /proc or /sys; no options</td></tr>
 * <tr><td>{@code test}</td><td>{@code test -e|-f|-d|-r|-w PATH}, PATH under /proc, /sys or /run/systemd</td></tr>
 * <tr><td>{@code renice}</td><td>{@code renice [-n] PRIORITY -p PID...}: never {@code -g} or {@code -u}
 *     (a group or a user)</td></tr>
 * <tr><td>{@code taskset}</td><td>{@code taskset [-a] [-c] -p [LIST] PID}: always {@code -p}; without it taskset would
 *     start a program</td></tr>
 * <tr><td>{@code ionice}</td><td>{@code ionice [-c CLASS] [-n LEVEL] [-t] -p PID...}: always {@code -p} (without it
 *     ionice would start a program), never {@code -P} or {@code -u}</td></tr>
 * <tr><td>{@code systemctl}</td><td>{@code systemctl show [--property=P|-p P] [--value] UNIT} (read) and
 *     {@code systemctl set-property --runtime UNIT PROP=VALUE...} with PROP one of CPUQuota, CPUWeight,
 *     MemoryHigh, IOWeight, IOReadBandwidthMax, IOWriteBandwidthMax; nothing else (no start, stop, kill,
 *     restart, and never a persistent set-property)</td></tr>
 * <tr><td>{@code echo}, {@code printf}, {@code sync}</td><td>any arguments (they only print, or flush)</td></tr>
 * </table>
 *
 * <p>Writable kernel files (for {@code tee}): /proc/sys/ files of the writable sysctls above,
 * /sys/kernel/mm/transparent_hugepage/{enabled,defrag,khugepaged/defrag},
 * /sys/block/DEV/queue/{scheduler,nr_requests,read_ahead_kb,rq_affinity,nomerges,wbt_lat_usec},
 * /proc/irq/N/smp_affinity_list and smp_affinity, /sys/class/net/IF/queues/QUEUE/{rps_cpus,rps_flow_cnt,xps_cpus},
 * and /proc/PID/oom_score_adj. A placeholder may fill a path component (DEV, N, IF, QUEUE, PID) but never
 * cross a {@code /}. {@code prlimit} is deliberately absent: no runbook needs it and it changes another
 * process's limits.
 *
 * <p>Captures (which read the value a rollback restores) and preconditions may only use the reading forms.
 */
final class StabilisationCommands {

    /** Where an argv is used: reads and writes are allowed in different places. */
    enum Use {
        PRECONDITION, CAPTURE, COMMAND, ROLLBACK;

        boolean writes() {
            return this == COMMAND || this == ROLLBACK;
        }
    }

    /** Stands for a placeholder when the literal shape of an element is checked. */
    static final String MARK = "\u0001";

    private static final String COMPONENT = "(?:[A-Za-z0-9_:+-][A-Za-z0-9_.:+-]*|" + MARK + ")+";
    private static final Pattern READ_PATH = Pattern.compile("/(proc|sys)(/" + COMPONENT + ")+");
    private static final Pattern TEST_PATH = Pattern.compile("(/(proc|sys)(/" + COMPONENT + ")+)|/run/systemd(/" + COMPONENT + ")*");
    private static final List<Pattern> WRITE_PATHS = List.of(
            Pattern.compile("/sys/kernel/mm/transparent_hugepage/(enabled|defrag|khugepaged/defrag)"),
            Pattern.compile("/sys/block/" + COMPONENT + "/queue/(scheduler|nr_requests|read_ahead_kb|rq_affinity|nomerges|wbt_lat_usec)"),
            Pattern.compile("/proc/irq/" + COMPONENT + "/smp_affinity(_list)?"),
            Pattern.compile("/sys/class/net/" + COMPONENT + "/queues/" + COMPONENT + "/(rps_cpus|rps_flow_cnt|xps_cpus)"),
            Pattern.compile("/proc/" + COMPONENT + "/oom_score_adj"));
    // Components may hold a hyphen (fs.file-max, kernel.threads-max) but never start with one.
    private static final Pattern SYSCTL_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_][a-z0-9_-]*)+");
    private static final List<String> WRITABLE_SYSCTL_PREFIXES = List.of("vm.", "net.core.", "net.ipv4.tcp_");
    private static final Set<String> WRITABLE_SYSCTLS = Set.of("kernel.numa_balancing", "kernel.pid_max", "fs.file-max");
    private static final Set<String> UNWRITABLE_SYSCTLS = Set.of("vm.panic_on_oom");
    private static final Set<String> UNIT_PROPERTIES = Set.of("CPUQuota", "CPUWeight", "MemoryHigh", "IOWeight",
            "IOReadBandwidthMax", "IOWriteBandwidthMax");
    private static final Pattern PROPERTY = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final Pattern LITERAL_NUMBER = Pattern.compile("-?[0-9]{1,7}");

    private static final Map<String, String> PROGRAMS = new LinkedHashMap<>();

    static {
        PROGRAMS.put("sysctl", "sysctl -n NAME... | sysctl -w NAME=VALUE... (literal names: vm.*, net.core.*, net.ipv4.tcp_*, kernel.numa_balancing, kernel.pid_max, fs.file-max)");
        PROGRAMS.put("tee", "tee PATH, value on stdin (THP, block queue, IRQ affinity, RPS/XPS, oom_score_adj, /proc/sys files)");
        PROGRAMS.put("cat", "cat PATH... under /proc or /sys");
        PROGRAMS.put("test", "test -e|-f|-d|-r|-w PATH under /proc, /sys or /run/systemd");
        PROGRAMS.put("renice", "renice [-n] PRIORITY -p PID...");
        PROGRAMS.put("taskset", "taskset [-a] [-c] -p [LIST] PID");
        PROGRAMS.put("ionice", "ionice [-c CLASS] [-n LEVEL] [-t] -p PID...");
        PROGRAMS.put("systemctl", "systemctl show [-p P] [--value] UNIT | systemctl set-property --runtime UNIT PROP=VALUE...");
        PROGRAMS.put("echo", "echo ...");
        PROGRAMS.put("printf", "printf ...");
        PROGRAMS.put("sync", "sync");
    }

    private StabilisationCommands() {
    }

    /** Program name to the forms it may take, in documentation order. */
    static Map<String, String> allowList() {
        return Map.copyOf(PROGRAMS);
    }

    static List<String> programs() {
        return List.copyOf(PROGRAMS.keySet());
    }

    /** Whether {@code program} takes its value on standard input (so the argv needs an {@code input}). */
    static boolean readsInput(String program) {
        return program.equals("tee");
    }

    /**
     * Why {@code argv} (a template) may not be run where {@code use} says, or null when it may.
     *
     * @param typeOf the type of a parameter by name, null for {@code previous...} or unknown names
     */
    static String problemWith(List<String> argv, Use use, Function<String, ParameterType> typeOf) {
        if (argv.isEmpty()) {
            return "empty command";
        }
        for (String a : argv) {
            if (a.isEmpty() || a.length() > 512 || a.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                return "argument '" + a + "' is empty, longer than 512 characters or has control characters";
            }
        }
        String program = argv.get(0);
        if (!PROGRAMS.containsKey(program)) {
            return "'" + program + "' is not on the allow-list of stabilisation programs " + programs();
        }
        List<String> args = new ArrayList<>();
        for (String a : argv.subList(1, argv.size())) {
            args.add(Templates.shape(a, MARK));
        }
        List<String> raw = argv.subList(1, argv.size());
        String problem = switch (program) {
            case "sysctl" -> sysctl(args, use);
            case "tee" -> use.writes() ? tee(args) : "tee writes; it is only allowed in command and rollback";
            case "cat" -> cat(args);
            case "test" -> test(args);
            case "renice" -> use.writes() ? renice(args, raw, typeOf) : "renice writes; it is only allowed in command and rollback";
            case "taskset" -> taskset(args, raw, use, typeOf);
            case "ionice" -> ionice(args, raw, use, typeOf);
            case "systemctl" -> systemctl(args, raw, use, typeOf);
            case "echo", "printf", "sync" -> use == Use.CAPTURE ? "'" + program + "' does not read anything to capture" : null;
            default -> "no policy for " + program;
        };
        if (problem == null && use == Use.PRECONDITION && !Set.of("test", "cat").contains(program)) {
            problem = "a precondition may only use test or cat";
        }
        return problem == null ? null : "'" + String.join(" ", argv) + "': " + problem;
    }

    private static String sysctl(List<String> args, Use use) {
        if (args.size() < 2) {
            return "sysctl needs -n NAME... or -w NAME=VALUE...";
        }
        String mode = args.get(0);
        if (mode.equals("-n")) {
            if (use.writes()) {
                return "sysctl -n only reads; a command or rollback writes with -w";
            }
            for (String name : args.subList(1, args.size())) {
                if (!SYSCTL_NAME.matcher(name).matches()) {
                    return "'" + name + "' is not a literal sysctl name like vm.swappiness";
                }
            }
            return null;
        }
        if (mode.equals("-w")) {
            if (!use.writes()) {
                return "sysctl -w writes; it is only allowed in command and rollback";
            }
            for (String assignment : args.subList(1, args.size())) {
                int eq = assignment.indexOf('=');
                String name = eq < 0 ? assignment : assignment.substring(0, eq);
                if (eq < 0 || !SYSCTL_NAME.matcher(name).matches()) {
                    return "'" + assignment + "' must be NAME=VALUE with a literal sysctl name";
                }
                if (!writableSysctl(name)) {
                    return "'" + name + "' is not a writable stabilisation sysctl (vm.*, net.core.*, net.ipv4.tcp_*,"
                            + " kernel.numa_balancing, kernel.pid_max, fs.file-max)";
                }
            }
            return null;
        }
        return "sysctl may only be run with -n (read) or -w (write), not '" + mode + "'";
    }

    static boolean writableSysctl(String name) {
        if (UNWRITABLE_SYSCTLS.contains(name)) {
            return false;
        }
        return WRITABLE_SYSCTLS.contains(name) || WRITABLE_SYSCTL_PREFIXES.stream().anyMatch(name::startsWith);
    }

    private static String tee(List<String> args) {
        if (args.size() != 1 || args.get(0).startsWith("-")) {
            return "tee takes exactly one file and no options";
        }
        String path = args.get(0);
        if (path.startsWith("/proc/sys/")) {
            String name = path.substring("/proc/sys/".length()).replace('/', '.');
            if (!path.contains(MARK) && SYSCTL_NAME.matcher(name).matches() && writableSysctl(name)) {
                return null;
            }
            return "'" + path + "' is not the literal file of a writable stabilisation sysctl";
        }
        for (Pattern p : WRITE_PATHS) {
            if (p.matcher(path).matches() && noDotComponents(path)) {
                return null;
            }
        }
        return "'" + path + "' is not one of the kernel files a runbook may write (THP, block queue, IRQ affinity,"
                + " RPS/XPS, oom_score_adj, /proc/sys)";
    }

    private static String cat(List<String> args) {
        if (args.isEmpty()) {
            return "cat needs a file";
        }
        for (String a : args) {
            if (!READ_PATH.matcher(a).matches() || !noDotComponents(a)) {
                return "cat may only read /proc or /sys files, not '" + a + "'";
            }
        }
        return null;
    }

    private static String test(List<String> args) {
        if (args.size() != 2 || !Set.of("-e", "-f", "-d", "-r", "-w").contains(args.get(0))) {
            return "test takes one of -e -f -d -r -w and one path";
        }
        if (!TEST_PATH.matcher(args.get(1)).matches() || !noDotComponents(args.get(1))) {
            return "test may only look at /proc, /sys or /run/systemd, not '" + args.get(1) + "'";
        }
        return null;
    }

    private static boolean noDotComponents(String path) {
        for (String c : path.split("/")) {
            if (c.equals(".") || c.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static String renice(List<String> args, List<String> raw, Function<String, ParameterType> typeOf) {
        int i = 0;
        if (i < args.size() && args.get(i).equals("-n")) {
            i++;
        }
        if (i >= args.size() || !(isMark(args.get(i)) || LITERAL_NUMBER.matcher(args.get(i)).matches())) {
            return "renice needs the priority first: renice [-n] PRIORITY -p PID";
        }
        i++;
        if (i >= args.size() || !(args.get(i).equals("-p") || args.get(i).equals("--pid"))) {
            return "renice may only change processes (-p PID), never a process group (-g) or a user (-u)";
        }
        return pids(args.subList(i + 1, args.size()), raw.subList(i + 1, raw.size()), typeOf, "renice");
    }

    private static String taskset(List<String> args, List<String> raw, Use use, Function<String, ParameterType> typeOf) {
        if (use == Use.PRECONDITION) {
            return "taskset is not a precondition";
        }
        boolean pid = false;
        List<String> operands = new ArrayList<>();
        List<String> rawOperands = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--pid")) {
                pid = true;
            } else if (a.equals("--all-tasks") || a.equals("--cpu-list")) {
                continue;
            } else if (a.startsWith("-") && !a.startsWith("--")) {
                for (char c : a.substring(1).toCharArray()) {
                    if ("acp".indexOf(c) < 0) {
                        return "taskset may only use -a, -c and -p, not -" + c;
                    }
                    pid |= c == 'p';
                }
            } else if (a.startsWith("--")) {
                return "taskset may only use -a, -c and -p, not " + a;
            } else {
                operands.add(a);
                rawOperands.add(raw.get(i));
            }
        }
        if (!pid) {
            return "taskset must act on a running process (-p); without -p it would start a program";
        }
        int expected = use.writes() ? 2 : 1;
        if (operands.size() != expected) {
            return use.writes() ? "taskset changes affinity as: taskset [-a] -c -p LIST PID"
                    : "taskset reads affinity as: taskset -c -p PID (a LIST would change it)";
        }
        return pids(operands.subList(expected - 1, expected), rawOperands.subList(expected - 1, expected), typeOf, "taskset");
    }

    private static String ionice(List<String> args, List<String> raw, Use use, Function<String, ParameterType> typeOf) {
        if (use == Use.PRECONDITION) {
            return "ionice is not a precondition";
        }
        boolean sets = false;
        int i = 0;
        while (i < args.size() && !(args.get(i).equals("-p") || args.get(i).equals("--pid"))) {
            String a = args.get(i);
            if (a.equals("-c") || a.equals("--class") || a.equals("-n") || a.equals("--classdata")) {
                if (i + 1 >= args.size()) {
                    return a + " needs a value";
                }
                sets = true;
                i += 2;
            } else if (a.equals("-t") || a.equals("--ignore")) {
                i++;
            } else {
                return "ionice may only use -c, -n, -t and -p (never -P or -u, and never a program to start), not " + a;
            }
        }
        if (i >= args.size()) {
            return "ionice must act on running processes (-p PID); without -p it would start a program";
        }
        if (sets != use.writes()) {
            return sets ? "ionice -c/-n changes priorities; only a command or rollback may" : "a command must set a class (-c)";
        }
        return pids(args.subList(i + 1, args.size()), raw.subList(i + 1, raw.size()), typeOf, "ionice");
    }

    private static String pids(List<String> args, List<String> raw, Function<String, ParameterType> typeOf, String program) {
        if (args.isEmpty()) {
            return program + " needs a process id after -p";
        }
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (isMark(a)) {
                ParameterType t = typeOf.apply(onlyKey(raw.get(i)));
                if (t != ParameterType.PID) {
                    return "'" + raw.get(i) + "' must be a parameter of type pid";
                }
            } else if (!a.matches("[0-9]{1,7}")) {
                return "'" + a + "' is not a process id";
            }
        }
        return null;
    }

    private static String systemctl(List<String> args, List<String> raw, Use use, Function<String, ParameterType> typeOf) {
        if (args.isEmpty()) {
            return "systemctl needs show or set-property";
        }
        if (args.get(0).equals("show")) {
            if (use.writes()) {
                return "systemctl show only reads";
            }
            List<Integer> units = new ArrayList<>();
            for (int i = 1; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--value") || a.equals("--no-pager")) {
                    continue;
                }
                if (a.equals("-p") || a.equals("--property")) {
                    if (i + 1 >= args.size() || !PROPERTY.matcher(args.get(i + 1)).matches()) {
                        return a + " needs a property name";
                    }
                    i++;
                } else if (a.startsWith("--property=")) {
                    if (!PROPERTY.matcher(a.substring("--property=".length())).matches()) {
                        return "'" + a + "' needs a property name";
                    }
                } else if (a.startsWith("-")) {
                    return "systemctl show may only use -p/--property, --value and --no-pager, not " + a;
                } else {
                    units.add(i);
                }
            }
            if (units.size() != 1) {
                return "systemctl show reads one unit";
            }
            return unitWord(args.get(units.get(0)), raw.get(units.get(0)), typeOf);
        }
        if (args.get(0).equals("set-property")) {
            if (!use.writes()) {
                return "systemctl set-property writes; it is only allowed in command and rollback";
            }
            if (args.size() < 4 || !args.get(1).equals("--runtime")) {
                return "only 'systemctl set-property --runtime UNIT PROP=VALUE...' is allowed: a runbook never makes a"
                        + " persistent change";
            }
            String problem = unitWord(args.get(2), raw.get(2), typeOf);
            if (problem != null) {
                return problem;
            }
            for (String assignment : args.subList(3, args.size())) {
                int eq = assignment.indexOf('=');
                String property = eq < 0 ? assignment : assignment.substring(0, eq);
                if (eq < 0 || !UNIT_PROPERTIES.contains(property)) {
                    return "'" + assignment + "' must be PROP=VALUE with PROP one of " + UNIT_PROPERTIES.stream().sorted().toList();
                }
            }
            return null;
        }
        return "systemctl may only 'show' or 'set-property --runtime', not '" + args.get(0) + "'";
    }

    private static String unitWord(String shaped, String raw, Function<String, ParameterType> typeOf) {
        if (isMark(shaped)) {
            return typeOf.apply(onlyKey(raw)) == ParameterType.UNIT ? null : "'" + raw + "' must be a parameter of type unit";
        }
        if (shaped.startsWith("-") || shaped.contains(MARK)) {
            return "'" + raw + "' is not a unit name";
        }
        return null;
    }

    private static boolean isMark(String shaped) {
        return shaped.equals(MARK);
    }

    private static String onlyKey(String template) {
        List<String> keys = Templates.keys(template);
        return keys.size() == 1 ? keys.get(0) : "";
    }
}
