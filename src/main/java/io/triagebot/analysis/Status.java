package io.triagebot.analysis;

/** Whether the data proves a finding, or only suggests it and names how to prove it. */
public enum Status {
    CONFIRMED, HYPOTHESIS
}
