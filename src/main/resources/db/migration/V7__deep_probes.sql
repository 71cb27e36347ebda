-- Deep probes (profiles, latency histograms): one at a time per host, and a cooldown after each, for
-- every bot replica. A run claims the host's row with a conditional UPDATE; its lease lapses by itself if
-- the replica dies mid-run.
CREATE TABLE deep_probe_host (
    host            VARCHAR(253)  NOT NULL PRIMARY KEY,
    token           VARCHAR(40),
    kind            VARCHAR(32),
    requested_by    VARCHAR(64),
    started_at      TIMESTAMP WITH TIME ZONE,
    lease_until     TIMESTAMP WITH TIME ZONE,
    cooldown_until  TIMESTAMP WITH TIME ZONE
);
