package io.triagebot.deep;

import java.time.Duration;
import java.util.List;

/**
 * What a deep dive gives back to the adapter that asked: the text to post and the files to upload.
 *
 * @param text plain text (host-derived names included as they are: the adapter escapes it for its chat);
 *     for refusals and failures, the one message to show
 * @param files flame graph SVG and PNG, or a histogram or table PNG; empty unless the tool ran and saw
 *     something
 * @param unavailable the prerequisites the host lacks, when the outcome is UNAVAILABLE
 * @param elapsed from the request to the result, files rendered
 */
public record DeepDiveResult(Outcome outcome, String host, String kind, int seconds, String text,
        List<DeepFile> files, List<DeepOutput.Missing> unavailable, Duration elapsed) {

    /** How the request ended. */
    public enum Outcome {
        /** The tool ran for the whole duration and its output was folded and rendered. */
        COMPLETED,
        /** The tool ran but its output was cut (size cap or deadline): rendered from what arrived. */
        PARTIAL,
        /** The host lacks a prerequisite (binary, root, perf_event_paranoid, BTF, tracefs...). */
        UNAVAILABLE,
        /** Another deep probe is running on the host. */
        BUSY,
        /** The last deep probe on the host ended less than the cooldown ago. */
        COOLING_DOWN,
        /** Bad host name, unknown kind, or seconds out of bounds. */
        INVALID,
        /** The host could not be reached (DNS, refused, timeout, authentication, host key). */
        UNREACHABLE,
        /** The tool failed, or the claim could not be recorded. */
        FAILED
    }

    public DeepDiveResult {
        files = List.copyOf(files);
        unavailable = List.copyOf(unavailable);
    }
}
