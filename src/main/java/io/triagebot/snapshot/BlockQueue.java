package io.triagebot.snapshot;

/**
 * A device's queue settings from /sys/block/DEV/queue.
 *
 * @param scheduler the active I/O scheduler (the bracketed one), or null
 * @param rotational true for spinning disks; null when unknown
 */
public record BlockQueue(String device, String scheduler, Boolean rotational, Integer nrRequests, Integer readAheadKb) {
}
