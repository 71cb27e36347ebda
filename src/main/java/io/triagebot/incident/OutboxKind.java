package io.triagebot.incident;

/** What a queued Slack message does. */
public enum OutboxKind {
    /** Starts the incident thread; its ts becomes the incident's anchor. */
    ANCHOR,
    /** A reply in the anchor's thread. */
    REPLY,
    /** Rewrites the anchor in place. */
    UPDATE_ANCHOR,
    /** A file uploaded into the anchor's thread. */
    UPLOAD
}
