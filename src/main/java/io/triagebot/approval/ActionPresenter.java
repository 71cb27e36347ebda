package io.triagebot.approval;

import io.triagebot.incident.OutgoingMessage;

/**
 * Turns action happenings into messages for the incident thread. The Slack adapter implements it; the
 * approval core stores what it returns with the event, and the outbox delivers it.
 */
public interface ActionPresenter {

    /** The card, first posted: a reply under {@link ActionCard#key()}, with buttons while proposed. */
    OutgoingMessage card(ActionCard card);

    /** The same card rewritten in place for the action's new state. */
    OutgoingMessage cardUpdate(ActionCard card);

    /** What the command did: exit code, bounded output, the value the rollback restores. */
    OutgoingMessage result(ActionCard card, ActionExecutor.Execution execution);

    /**
     * An action whose process died while it ran (UNKNOWN): what may have happened, the value captured before
     * the command, and a "Roll back" button when there is one.
     */
    OutgoingMessage interrupted(ActionCard card);

    /** Before/after of the expected metric, with a "Roll back" button when there is something to undo. */
    OutgoingMessage verification(ActionCard card, Verification verification);
}
