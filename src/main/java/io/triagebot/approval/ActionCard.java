package io.triagebot.approval;

import java.util.List;

/**
 * What an action's card in the thread shows, in whatever state the action is: the runbook, the exact
 * command, its risk, who has approved it so far. The card is one message rewritten in place.
 *
 * @param title the runbook's title, or "Roll back: ..." for a rollback proposal
 * @param command the exact command that runs (with the previous value filled in, for a rollback)
 * @param risk the runbook's risk word (low, medium, high)
 * @param approvers who has approved so far, in order
 * @param expectation what verification compares ("swap-out pages/s should go down"), or null
 */
public record ActionCard(ActionRecord action, String title, String command, String risk, List<String> approvers,
        String expectation) {

    public ActionCard {
        approvers = List.copyOf(approvers);
    }

    /** The outbox key of the card: every update of this action rewrites the same message. */
    public String key() {
        return "action-" + action.id();
    }
}
