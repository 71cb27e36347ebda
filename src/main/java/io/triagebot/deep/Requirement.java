package io.triagebot.deep;

/**
 * A prerequisite a host may lack, checked by the deep-probe script before anything runs. Each catalog
 * entry explains, per requirement it has, what "unavailable" means and how to fix it.
 */
public enum Requirement {
    /** The tool (perf, bpftrace) or timeout is not on the PATH. */
    BINARY("binary"),
    /** The probe needs root and the SSH user is not root. */
    ROOT("root"),
    /** kernel.perf_event_paranoid is too high for a non-root user. */
    PARANOID("paranoid"),
    /** /sys/kernel/btf/vmlinux is missing. */
    BTF("btf"),
    /** tracefs is mounted at neither /sys/kernel/tracing nor /sys/kernel/debug/tracing. */
    TRACEFS("tracefs"),
    /** A tracepoint the program attaches to does not exist on this kernel. */
    TRACEPOINT("tracepoint"),
    /** The private temporary directory could not be created. */
    TMPDIR("tmpdir");

    private final String key;

    Requirement(String key) {
        this.key = key;
    }

    /** The name used in the catalog's {@code unavailable:} mapping and in the script's markers. */
    public String key() {
        return key;
    }

    /** The requirement named {@code key}, or null. */
    public static Requirement byKey(String key) {
        for (Requirement r : values()) {
            if (r.key.equals(key)) {
                return r;
            }
        }
        return null;
    }
}
