package io.triagebot.probe;

/** How a probe is sampled. */
public enum ProbeKind {
    /** Read before and after the sampling window; the analysis uses the difference. */
    COUNTER,
    /** Read once, at the start. */
    GAUGE
}
