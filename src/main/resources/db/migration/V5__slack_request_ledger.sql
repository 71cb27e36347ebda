-- Signed Slack requests and Socket Mode envelopes already acted on. A replay of one within the five-minute
-- timestamp window finds its row (the primary key refuses a second insert) and is ignored, on whichever
-- replica it lands. Rows are deleted once their request could no longer pass the timestamp check.
CREATE TABLE slack_request_seen (
    request_key  VARCHAR(100)             NOT NULL PRIMARY KEY,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX slack_request_seen_expiry ON slack_request_seen (expires_at);
