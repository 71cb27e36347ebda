package io.triagebot.probe;

import java.time.Duration;
import java.time.Instant;

/**
 * One collector run as it came off the wire: enough to parse it now or to replay it later from a
 * fixture file (see {@link CollectorRunFile}).
 *
 * @param nonce the marker prefix the script was generated with
 * @param started wall-clock start
 * @param elapsed from start to the last byte
 */
public record CollectorRun(String nonce, RunOutput output, Instant started, Duration elapsed) {
}
