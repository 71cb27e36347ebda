-- Action cards are Slack messages rewritten in place as an action moves through its states: an outbox
-- message may carry a key; an UPDATE message rewrites the message first posted under the same key.
ALTER TABLE outbox ADD COLUMN message_key VARCHAR(64);
CREATE INDEX outbox_key ON outbox (incident_id, message_key);

-- Runbooks may need more than one approver. Each approval is a row; the primary key makes a person's
-- duplicate clicks one approval, and the action starts only when enough distinct people have approved.
ALTER TABLE action ADD COLUMN approvals_required INTEGER DEFAULT 1 NOT NULL;
CREATE TABLE action_approval (
    action_id   BIGINT       NOT NULL REFERENCES action (id),
    approver    VARCHAR(32)  NOT NULL,
    approved_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (action_id, approver)
);

-- One rollback proposal at a time per executed action: duplicate "Roll back" clicks claim this column.
ALTER TABLE action ADD COLUMN rollback_requested_at TIMESTAMP WITH TIME ZONE;
-- The expected metric as the triage that proposed the action measured it ("before").
ALTER TABLE action ADD COLUMN metric VARCHAR(64);
