package io.triagebot.runbook;

/** How much harm a runbook can do if its premise is wrong; shown on the approval card. */
public enum Risk {
    /** Reversible tuning whose worst case is "no better". */
    LOW,
    /** Changes who gets a resource; a wrong target can slow a healthy service until rolled back. */
    MEDIUM,
    /** Cannot be undone, or can hurt the whole host if misapplied. */
    HIGH;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
