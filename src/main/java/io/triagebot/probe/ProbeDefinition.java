package io.triagebot.probe;

import java.util.List;

/**
 * One read-only probe from the catalog in {@code commands/}.
 *
 * <p>A probe reads either kernel pseudo-files ({@link #files()}, paths or globs under /proc and /sys,
 * read in one batch per sample) or runs one read-only command ({@link #commands()}: the command and its
 * fallbacks, tried in order until one succeeds), each under its own timeout.
 *
 * @param timeoutSeconds for a command, its own time limit (run under {@code timeout}); 0 means none
 *     beyond the collector deadline, for commands that only read /proc and cannot block on a device
 * @param okExitCodes exit statuses that still mean "read": grep says 2 when a process vanished
 *     between the glob and the read, yet its other lines are good
 * @param source where it was declared, {@code file:line}, for error messages
 */
public record ProbeDefinition(
        String id,
        String subsystem,
        String description,
        ProbeKind kind,
        List<String> files,
        List<List<String>> commands,
        int timeoutSeconds,
        int maxLines,
        boolean keepTail,
        List<Integer> okExitCodes,
        ProbeRequirements requires,
        String source) {

    public ProbeDefinition {
        files = List.copyOf(files);
        okExitCodes = List.copyOf(okExitCodes);
        commands = commands.stream().map(List::copyOf).toList();
        if (files.isEmpty() == commands.isEmpty()) {
            throw new IllegalArgumentException("probe " + id + " must read files or run a command, not both");
        }
    }

    public boolean isCommand() {
        return !commands.isEmpty();
    }

    public boolean isCounter() {
        return kind == ProbeKind.COUNTER;
    }
}
