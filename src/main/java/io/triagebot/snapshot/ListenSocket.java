package io.triagebot.snapshot;

/**
 * A listening TCP socket from /proc/net/tcp{,6}.
 *
 * @param acceptQueue connections completed but not yet accepted by the application right now
 */
public record ListenSocket(String address, int port, long acceptQueue, boolean ipv6) {
}
