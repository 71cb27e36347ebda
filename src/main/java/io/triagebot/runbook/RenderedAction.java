package io.triagebot.runbook;

import java.util.Optional;

/**
 * A resolved runbook's scripts, in the order they run: precondition (must exit 0), capture (its output is
 * what {@link ResolvedAction#rollbackWith} restores; run it again after the command to see the change, and
 * after the rollback to see the restore), then the command. The rollback is rendered separately, from the
 * captured value, by {@link ResolvedAction#rollbackWith}.
 *
 * @param runbookId the runbook
 * @param precondition exit 0 means go
 * @param capture empty for an irreversible runbook
 * @param command the change
 */
public record RenderedAction(String runbookId, RenderedScript precondition, Optional<RenderedScript> capture,
        RenderedScript command) {

    /** The change on one line ({@code sysctl -w vm.swappiness=10}). */
    public String humanCommand() {
        return command.human();
    }
}
