-- Actions always end in a known state.
-- owner/heartbeat_at: the replica running an action renews heartbeat_at while it runs; an EXECUTING action
-- whose owner stopped renewing (a killed process) becomes UNKNOWN, never one a live replica is running.
ALTER TABLE action ADD COLUMN owner VARCHAR(128);
ALTER TABLE action ADD COLUMN heartbeat_at TIMESTAMP WITH TIME ZONE;
-- The last step the action reached (precondition, capture, command, read-back): a failure after the
-- command started may have taken effect, and may be rolled back.
ALTER TABLE action ADD COLUMN step VARCHAR(16);
-- Who proposed (or triggered) the action; for a rollback, who clicked Roll back. Never its approver.
ALTER TABLE action ADD COLUMN proposed_by VARCHAR(32);
-- SHA-256 of the rendered scripts the card showed: execution refuses anything else.
ALTER TABLE action ADD COLUMN pin VARCHAR(64);
-- Process parameters bound to their start time at proposal (JSON: parameter name to /proc/PID/stat field 22).
ALTER TABLE action ADD COLUMN bindings VARCHAR(1000);
CREATE INDEX action_heartbeat ON action (state, heartbeat_at);
