package io.triagebot.approval;

import java.util.Set;

/**
 * Where a proposed action stands. Allowed moves: PROPOSED to EXECUTING (approved), REJECTED or EXPIRED;
 * EXECUTING to EXECUTED, FAILED, TIMED_OUT (a step outlived its timeout: it may have taken effect) or
 * UNKNOWN (the process running it died: anything up to the command may have happened); EXECUTED to
 * VERIFIED or NOT_IMPROVED; and ROLLED_BACK once a rollback action ran. Every move is one conditional
 * UPDATE, so it happens at most once.
 */
public enum ActionState {
    PROPOSED, REJECTED, EXPIRED, EXECUTING, EXECUTED, FAILED, TIMED_OUT, UNKNOWN, VERIFIED, NOT_IMPROVED, ROLLED_BACK;

    /** States after which the change may be in place: a rollback may be proposed (given a captured value). */
    public static final Set<ActionState> MAY_HAVE_CHANGED = Set.of(EXECUTED, VERIFIED, NOT_IMPROVED, TIMED_OUT,
            UNKNOWN, FAILED);
}
