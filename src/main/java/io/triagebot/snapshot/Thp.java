package io.triagebot.snapshot;

/** Transparent huge page policy: the bracketed choices of enabled and defrag. */
public record Thp(String enabled, String defrag) {
}
