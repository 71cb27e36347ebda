package io.triagebot.deep;

/** The program a deep probe runs on the host. */
public enum Tool {
    /** {@code perf record} in pipe mode into {@code perf script}: sampled stacks. */
    PERF("perf"),
    /** {@code bpftrace} running the catalog's program: tracepoints and software events only. */
    BPFTRACE("bpftrace");

    private final String binary;

    Tool(String binary) {
        this.binary = binary;
    }

    /** The executable looked up on the host's PATH. */
    public String binary() {
        return binary;
    }
}
