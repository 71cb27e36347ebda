package io.triagebot.approval;

import java.util.List;

/**
 * What "Dry run" shows the person who clicked it: nothing changes on the host, but the precondition and
 * the capture run (both read-only) so the current value is real.
 *
 * @param card the action as its card shows it, with the exact command approval would run
 * @param current the value the capture reads now (what a rollback would restore), or null
 * @param problem why the action would not run now (precondition fails, value unreadable), or null
 * @param rollback the exact rollback with the current value filled in, or why there is none
 * @param qualityChecks safe for production? dependencies? persists across reboot? rollback?
 */
public record DryRun(ActionCard card, String current, String problem, String rollback,
        List<String> qualityChecks) {

    public DryRun {
        qualityChecks = List.copyOf(qualityChecks);
    }
}
