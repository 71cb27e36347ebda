package io.triagebot.analysis;

/** Something the triage could not measure, and why: a report always says what it did not see. */
public record Unmeasured(String probe, String reason) {
}
