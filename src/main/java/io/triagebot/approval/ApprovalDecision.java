package io.triagebot.approval;

/** What a click on an action card led to. */
public sealed interface ApprovalDecision {

    /** Not allowed (self-approval, not an approver): nothing changed; tell the clicker why. */
    record Refused(String reason) implements ApprovalDecision {
    }

    /** Someone else already decided (or it expired); duplicate clicks land here. */
    record AlreadyDecided(ActionRecord action) implements ApprovalDecision {
    }

    /** This click's approval is recorded; the runbook needs more distinct approvers before it runs. */
    record Waiting(ActionRecord action, java.util.List<String> approvers) implements ApprovalDecision {
    }

    /** This click approved it and it ran; the record holds the result. */
    record Executed(ActionRecord action, ActionExecutor.Execution execution) implements ApprovalDecision {
    }

    /** Rejected by this click. */
    record Rejected(ActionRecord action) implements ApprovalDecision {
    }

    /** No such action (a forged or stale button value). */
    record Unknown() implements ApprovalDecision {
    }
}
