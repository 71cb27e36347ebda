-- Exactly-once delivery. Each message carries a key that goes to Slack in the message's metadata, so a
-- post whose outcome is unknown (a timeout, a 5xx, a crash before it was marked sent) is looked up in
-- the channel before it is posted again. in_doubt says a post may have reached Slack: set before every
-- post, cleared only when Slack's answer says it did not.
ALTER TABLE outbox ADD COLUMN delivery_key VARCHAR(64);
ALTER TABLE outbox ADD COLUMN in_doubt BOOLEAN DEFAULT FALSE NOT NULL;
-- The age of the oldest undelivered message is read at every metrics scrape.
CREATE INDEX outbox_pending_age ON outbox (status, created_at);
