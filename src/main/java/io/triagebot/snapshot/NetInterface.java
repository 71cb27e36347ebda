package io.triagebot.snapshot;

/** One interface of /proc/net/dev. */
public record NetInterface(String name, long rxBytes, long rxPackets, long rxErrors, long rxDropped, long txBytes,
        long txPackets, long txErrors, long txDropped) {
}
