package io.triagebot.incident;

/** What a queued Slack message does. */
public enum OutboxKind {
    /** Starts the incident thread; its ts becomes the incident's anchor. */
    ANCHOR,
    /** A reply in the anchor's thread (with a key, a message that UPDATEs rewrite later). */
    REPLY,
    /** Rewrites the anchor in place. */
    UPDATE_ANCHOR,
    /**
     * Rewrites the reply first posted under the same key, in place; posted as a new reply when that one
     * never reached Slack, so the news is never lost.
     */
    UPDATE,
    /** A file uploaded into the anchor's thread. */
    UPLOAD
}
