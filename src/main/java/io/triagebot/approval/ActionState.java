package io.triagebot.approval;

/**
 * Where a proposed action stands. Allowed moves: PROPOSED to EXECUTING (approved), REJECTED or EXPIRED;
 * EXECUTING to EXECUTED or FAILED; EXECUTED to VERIFIED or NOT_IMPROVED; and ROLLED_BACK once a rollback
 * action ran. Every move is one conditional UPDATE, so it happens at most once.
 */
public enum ActionState {
    PROPOSED, REJECTED, EXPIRED, EXECUTING, EXECUTED, FAILED, VERIFIED, NOT_IMPROVED, ROLLED_BACK
}
