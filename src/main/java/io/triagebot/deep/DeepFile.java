package io.triagebot.deep;

/**
 * A file a deep dive produced, for an adapter to upload (Slack) or write (the command line).
 *
 * @param name a file name made of the kind, host and time ("cpu-db-3-20261203-153118.svg")
 * @param mediaType "image/svg+xml" or "image/png"
 * @param title a caption, e.g. "CPU profile of db-3 (interactive SVG: open in a browser, click to zoom)"
 */
public record DeepFile(String name, String mediaType, byte[] content, String title) {
}
