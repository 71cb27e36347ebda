package io.triagebot.probe;

import java.time.Duration;
import java.time.Instant;

/**
 * One collector run as it came off the wire: enough to parse it now or to replay it later from a
 * fixture file (see {@link CollectorRunFile}).
 *
 * @param nonce the marker prefix the script was generated with
 * @param output how the run ended; its stdout holds the raw stream only when it was kept (a replayed
 *     fixture, or a live run asked to keep it for {@code --save-raw}), else it is empty
 * @param started wall-clock start
 * @param elapsed from start to the last byte
 * @param parsed the stream as parsed while it arrived, or null when only the raw stream is at hand
 */
public record CollectorRun(String nonce, RunOutput output, Instant started, Duration elapsed, CollectorOutput parsed) {

    /** A run known by its raw stream only (a fixture): parsed when assembled. */
    public CollectorRun(String nonce, RunOutput output, Instant started, Duration elapsed) {
        this(nonce, output, started, elapsed, null);
    }
}
