package io.triagebot.probe;

/**
 * What a collector run printed.
 *
 * @param stdout the bytes read from standard output, at most the cap
 * @param exitCode the script's exit status, or -1 when it did not finish (deadline) or is unknown
 * @param deadlineReached the deadline passed before the script finished; stdout is partial
 * @param outputCapped more output arrived than the cap allowed; the rest was discarded
 * @param stderr the tail of standard error (bounded), for diagnostics only
 */
public record RunOutput(byte[] stdout, int exitCode, boolean deadlineReached, boolean outputCapped, String stderr) {
}
