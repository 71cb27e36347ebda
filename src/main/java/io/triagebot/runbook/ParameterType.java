package io.triagebot.runbook;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The types a runbook parameter can have. Every value a runbook runs with, whether a detector suggested
 * it, a person typed it or a host printed it (a captured previous value), passes {@link #canonical} first:
 * ASCII-only patterns, bounded lengths and ranges, never a leading {@code -} that a program could take for
 * an option. Nothing here relies on the shell quoting that follows; the quoting would make even a
 * value that slipped through inert.
 *
 * <p>{@code size} and {@code percent} extend the list for the two systemd properties the runbooks set
 * ({@code MemoryHigh=}, {@code CPUQuota=}): they compare by meaning ({@code 512M} equals
 * {@code 536870912}), which verification needs.
 */
public enum ParameterType {

    /** A whole number within the parameter's {@code min} and {@code max} (both required). */
    INTEGER("integer"),
    /** One of the parameter's {@code values}, exactly. */
    ENUM("enum"),
    /** A process id: 2 to 4194304 (PID_MAX_LIMIT); 1 (init) is refused. */
    PID("pid"),
    /** A whole block device as named under /sys/block: sda, nvme0n1, vda, dm-0, md127. */
    DEVICE("device"),
    /** A systemd unit name ending in .service, .scope or .slice (systemd's \x2d escapes allowed). */
    UNIT("unit"),
    /** An interrupt number: 0 to 65535. */
    IRQ("irq"),
    /** A CPU list as smp_affinity_list and taskset -c take it: 0-3,8,10-11. */
    CPULIST("cpulist"),
    /** A CPU bitmap in hex as rps_cpus takes it: chunks of at most 8 digits separated by commas. */
    HEXMASK("hexmask"),
    /** A network interface name: up to 15 of letters, digits, _ . - (not . or ..). */
    INTERFACE("interface"),
    /** Three byte counts "min default max" (tcp_rmem, tcp_wmem), ascending. */
    BYTES_TRIPLE("bytes-triple"),
    /** Free text matching the parameter's mandatory {@code pattern}. */
    STRING("string"),
    /** A systemd byte size: digits with an optional K, M, G or T suffix (1024-based), or infinity. */
    SIZE("size"),
    /** A systemd CPU quota: N% or N.NN% (100% is one CPU), or empty for "no quota". */
    PERCENT("percent"),
    /**
     * A system unit's cgroup path as systemd lays it out: {@code /system.slice}, {@code .slice} components,
     * then a unit ({@code /system.slice/db.service}). Never a path under user.slice or inside a service.
     */
    CGROUP("cgroup");

    /** Longest value any type accepts (a cpulist of a very large machine). */
    static final int MAX_LENGTH = 4096;
    static final int MAX_STRING_LENGTH = 256;

    private static final Pattern INTEGER_TEXT = Pattern.compile("-?[0-9]{1,18}");
    private static final Pattern PID_TEXT = Pattern.compile("[0-9]{1,7}");
    private static final Pattern IRQ_TEXT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern DEVICE_TEXT = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern UNIT_TEXT = Pattern.compile("(?:[A-Za-z0-9:_.@-]|\\\\x[0-9a-f]{2})+");
    private static final Pattern CPULIST_TEXT = Pattern.compile("[0-9]{1,5}(-[0-9]{1,5})?(,[0-9]{1,5}(-[0-9]{1,5})?)*");
    private static final Pattern HEXMASK_TEXT = Pattern.compile("[0-9a-fA-F]{1,8}(,[0-9a-fA-F]{1,8})*");
    private static final Pattern INTERFACE_TEXT = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern TRIPLE_TEXT = Pattern.compile("([0-9]{1,10})[ \\t]+([0-9]{1,10})[ \\t]+([0-9]{1,10})");
    private static final Pattern SIZE_TEXT = Pattern.compile("([0-9]{1,19})([KMGT]?)");
    private static final Pattern PERCENT_TEXT = Pattern.compile("([0-9]{1,6})(?:\\.([0-9]{1,2}))?%");
    /** Enum values and their like: what may stand alone as a word. */
    static final Pattern WORD = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+:-]{0,63}");

    static final int MAX_CPU = 65535;
    static final int MAX_HEXMASK_LENGTH = 2304;

    private final String yamlName;

    ParameterType(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name used in runbook files ({@code type: bytes-triple}). */
    public String yamlName() {
        return yamlName;
    }

    public static Optional<ParameterType> byName(String name) {
        return Arrays.stream(values()).filter(t -> t.yamlName.equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ParameterType::yamlName).toList();
    }

    /** Whether a runbook file may give this type {@code min}/{@code max}, and whether it must. */
    boolean takesRange() {
        return this == INTEGER || this == SIZE || this == PERCENT;
    }

    boolean needsRange() {
        return this == INTEGER;
    }

    /** The rule a value must follow, phrased for an error message or a usage line. */
    public String rule(ParameterSpec spec) {
        return switch (this) {
            case INTEGER -> "a whole number from " + spec.min() + " to " + spec.max();
            case ENUM -> "one of " + String.join(", ", spec.values());
            case PID -> "a process id from 2 to 4194304";
            case DEVICE -> "a block device name (lower-case letter, then letters, digits or '-', at most 32)";
            case UNIT -> "a systemd unit name ending in .service, .scope or .slice (letters, digits, : _ . @ -)";
            case IRQ -> "an interrupt number from 0 to 65535";
            case CPULIST -> "a CPU list like 0-3,8 (ascending ranges of CPUs 0 to " + MAX_CPU + ")";
            case HEXMASK -> "a hex CPU mask like 'e' or 'ffffffff,0000000f' (at most 8 hex digits between commas)";
            case INTERFACE -> "a network interface name (1 to 15 of letters, digits, _ . -; not . or ..)";
            case BYTES_TRIPLE -> "three byte counts 'min default max', each 1 to 2147483647, ascending";
            case STRING -> "text matching " + spec.pattern().pattern() + " (at most " + MAX_STRING_LENGTH
                    + " characters, no control characters, not starting with '-')";
            case SIZE -> "a size in bytes with an optional K, M, G or T suffix, or 'infinity'" + sizeRange(spec);
            case PERCENT -> "a percentage like 150% or 12.5%" + (spec.min() == null ? "" : " from " + spec.min() + "%")
                    + (spec.max() == null ? "" : " to " + spec.max() + "%") + ", or empty for no quota";
            case CGROUP -> "a system unit's cgroup path: /system.slice, then .slice components, then the unit"
                    + " (/system.slice/db.service)";
        };
    }

    private static String sizeRange(ParameterSpec spec) {
        if (spec.min() == null && spec.max() == null) {
            return "";
        }
        return " (" + (spec.min() == null ? "" : "at least " + spec.min() + " bytes")
                + (spec.min() != null && spec.max() != null ? ", " : "")
                + (spec.max() == null ? "" : "at most " + spec.max() + " bytes") + ")";
    }

    /**
     * The canonical form of {@code value}, or empty when it breaks this type's rule. Canonical means: the
     * form rendered into commands ({@code 010} becomes {@code 10}, tabs in a triple become single spaces).
     */
    Optional<String> canonical(ParameterSpec spec, String value) {
        // Control characters never pass, except the tabs sysctl prints between the numbers of a triple.
        if (value.length() > MAX_LENGTH
                || value.chars().anyMatch(c -> (c < 0x20 && !(c == '\t' && this == BYTES_TRIPLE)) || c == 0x7f)) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (this) {
            case INTEGER -> integer(value, spec.min(), spec.max());
            case ENUM -> spec.values().contains(value) ? value : null;
            case PID -> PID_TEXT.matcher(value).matches() ? inRange(Long.parseLong(value), 2L, 4_194_304L) : null;
            case IRQ -> IRQ_TEXT.matcher(value).matches() ? inRange(Long.parseLong(value), 0L, 65_535L) : null;
            case DEVICE -> DEVICE_TEXT.matcher(value).matches() ? value : null;
            case UNIT -> unit(value);
            case CPULIST -> cpus(value) == null ? null : value;
            case HEXMASK -> value.length() <= MAX_HEXMASK_LENGTH && HEXMASK_TEXT.matcher(value).matches() ? value : null;
            case INTERFACE -> INTERFACE_TEXT.matcher(value).matches() && !value.equals(".") && !value.equals("..")
                    && !value.startsWith("-") ? value : null;
            case BYTES_TRIPLE -> triple(value);
            case STRING -> value.length() <= MAX_STRING_LENGTH && !value.isEmpty() && !value.startsWith("-")
                    && spec.pattern().matcher(value).matches() ? value : null;
            case SIZE -> sizeBytes(value, spec) == null ? null : value;
            case PERCENT -> percent(value, spec);
            case CGROUP -> cgroup(value);
        });
    }

    /** Whether two canonical values of this type mean the same setting (for "changed" and "restored"). */
    boolean same(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        return switch (this) {
            case INTEGER, PID, IRQ -> Long.parseLong(a) == Long.parseLong(b);
            case CPULIST -> cpus(a).equals(cpus(b));
            case HEXMASK -> new BigInteger(a.replace(",", ""), 16).equals(new BigInteger(b.replace(",", ""), 16));
            case BYTES_TRIPLE -> Arrays.equals(a.split(" "), b.split(" "));
            case SIZE -> a.equals("infinity") || b.equals("infinity") ? false
                    : bytes(a).equals(bytes(b));
            case PERCENT -> a.isEmpty() || b.isEmpty() ? false : permyriad(a) == permyriad(b);
            default -> false;
        };
    }

    private static String integer(String value, Long min, Long max) {
        if (!INTEGER_TEXT.matcher(value).matches()) {
            return null;
        }
        return inRange(Long.parseLong(value), min, max);
    }

    private static String inRange(long v, Long min, Long max) {
        if ((min != null && v < min) || (max != null && v > max)) {
            return null;
        }
        return Long.toString(v);
    }

    private static String cgroup(String value) {
        if (value.length() > MAX_STRING_LENGTH || !value.startsWith("/system.slice")) {
            return null;
        }
        String[] parts = value.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            boolean last = i == parts.length - 1;
            if (unit(parts[i]) == null || !last && !parts[i].endsWith(".slice")) {
                return null;
            }
        }
        return value;
    }

    private static String unit(String value) {
        if (value.length() > 255 || !UNIT_TEXT.matcher(value).matches() || value.startsWith("-") || value.startsWith(".")) {
            return null;
        }
        for (String suffix : List.of(".service", ".scope", ".slice")) {
            if (value.endsWith(suffix) && value.length() > suffix.length()) {
                return value;
            }
        }
        return null;
    }

    /** The CPUs of a cpulist, or null when it is not one. */
    static BitSet cpus(String value) {
        if (!CPULIST_TEXT.matcher(value).matches()) {
            return null;
        }
        BitSet set = new BitSet();
        for (String part : value.split(",")) {
            int dash = part.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
            if (from > to || to > MAX_CPU) {
                return null;
            }
            set.set(from, to + 1);
        }
        return set;
    }

    private static String triple(String value) {
        Matcher m = TRIPLE_TEXT.matcher(value);
        if (!m.matches()) {
            return null;
        }
        List<Long> n = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            long v = Long.parseLong(m.group(i));
            if (v < 1 || v > Integer.MAX_VALUE) {
                return null;
            }
            n.add(v);
        }
        if (n.get(0) > n.get(1) || n.get(1) > n.get(2)) {
            return null;
        }
        return n.get(0) + " " + n.get(1) + " " + n.get(2);
    }

    private static BigInteger bytes(String value) {
        Matcher m = SIZE_TEXT.matcher(value);
        if (!m.matches()) {
            return null;
        }
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        return new BigInteger(m.group(1)).shiftLeft(shift);
    }

    private static BigInteger sizeBytes(String value, ParameterSpec spec) {
        if (value.equals("infinity")) {
            return BigInteger.valueOf(Long.MAX_VALUE);
        }
        BigInteger b = bytes(value);
        if (b == null || b.signum() <= 0 || b.bitLength() > 63) {
            return null;
        }
        if ((spec.min() != null && b.compareTo(BigInteger.valueOf(spec.min())) < 0)
                || (spec.max() != null && b.compareTo(BigInteger.valueOf(spec.max())) > 0)) {
            return null;
        }
        return b;
    }

    /** Hundredths of a percent, or -1 when not a percentage. */
    static long permyriad(String value) {
        Matcher m = PERCENT_TEXT.matcher(value);
        if (!m.matches()) {
            return -1;
        }
        String frac = m.group(2) == null ? "" : m.group(2);
        return Long.parseLong(m.group(1)) * 100 + (frac.isEmpty() ? 0 : Long.parseLong((frac + "0").substring(0, 2)));
    }

    /** Formats hundredths of a percent the way systemd's CPUQuota= takes it: 150%, 12.5%, 0.25%. */
    static String formatPermyriad(long p) {
        long whole = p / 100;
        long frac = p % 100;
        if (frac == 0) {
            return whole + "%";
        }
        String f = String.format(Locale.ROOT, "%02d", frac);
        return whole + "." + (f.endsWith("0") ? f.substring(0, 1) : f) + "%";
    }

    private static String percent(String value, ParameterSpec spec) {
        if (value.isEmpty()) {
            return value;
        }
        long p = permyriad(value);
        if (p <= 0) {
            return null;
        }
        if ((spec.min() != null && p < spec.min() * 100) || (spec.max() != null && p > spec.max() * 100)) {
            return null;
        }
        return formatPermyriad(p);
    }
}
