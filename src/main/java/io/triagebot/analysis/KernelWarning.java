package io.triagebot.analysis;

/**
 * Kernel log lines at warning level or above that no escalation trigger knows, folded into one template
 * (numbers, hex addresses and pids replaced by '#').
 *
 * @param template the line with its variable parts folded: what the lines have in common
 * @param line the newest line of the template, as logged
 * @param count how many lines of the template were seen within the window
 * @param ageSeconds how long ago the newest was logged, NaN when the log has no timestamps
 * @param level the most severe syslog level seen (0 emerg .. 4 warning)
 */
public record KernelWarning(String template, String line, int count, double ageSeconds, int level) {

    /** The syslog name of the level, as dmesg -x shows it. */
    public String levelName() {
        return switch (level) {
            case 0 -> "emerg";
            case 1 -> "alert";
            case 2 -> "crit";
            case 3 -> "err";
            default -> "warn";
        };
    }
}
