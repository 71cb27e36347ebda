package io.triagebot.deep;

/** What a deep probe's tool prints, and so how the bot folds and renders it. */
public enum OutputKind {
    /** Stacks with weights: a flame graph plus top stacks and functions. */
    STACKS,
    /** A bpftrace power-of-two histogram: text bars and a PNG. */
    HISTOGRAM,
    /** A bpftrace count map: a table of the largest entries. */
    COUNTS
}
