package io.triagebot.approval;

import java.util.Set;

/**
 * Who may approve an action. Approvers are listed users and members of listed user groups; with neither
 * configured, anyone may approve. Always: neither the person who asked for the triage nor whoever proposed
 * or triggered the action (for a rollback, who clicked Roll back) may approve it unless self-approval is
 * allowed, so every change to a production host has a second pair of eyes.
 */
public final class ApprovalPolicy {

    /** Resolves a user group to its members (Slack usergroups.users.list, cached by the adapter). */
    public interface GroupMembers {
        Set<String> members(String groupId);
    }

    private final Set<String> users;
    private final Set<String> groups;
    private final boolean allowSelfApproval;
    private final GroupMembers groupMembers;

    public ApprovalPolicy(Set<String> users, Set<String> groups, boolean allowSelfApproval, GroupMembers groupMembers) {
        this.users = Set.copyOf(users);
        this.groups = Set.copyOf(groups);
        this.allowSelfApproval = allowSelfApproval;
        this.groupMembers = groupMembers;
    }

    /** Why {@code approver} may not approve {@code action}, or null when they may. */
    public String refusal(String approver, ActionRecord action) {
        if (!allowSelfApproval && approver.equals(action.requestedBy())) {
            return "You asked for this triage, so someone else has to approve its actions (a second pair of eyes"
                    + " on every change to a production host).";
        }
        if (!allowSelfApproval && approver.equals(action.proposedBy())) {
            return "You " + (action.isRollback() ? "asked for this rollback" : "proposed this action")
                    + ", so someone else has to approve it (a second pair of eyes on every change to a production host).";
        }
        if (users.isEmpty() && groups.isEmpty()) {
            return null;
        }
        if (users.contains(approver)) {
            return null;
        }
        for (String g : groups) {
            if (groupMembers.members(g).contains(approver)) {
                return null;
            }
        }
        return "You are not an approver for runbook actions (approval.approvers, approval.approverGroups or"
                + " TRIAGEBOT_APPROVERS).";
    }
}
