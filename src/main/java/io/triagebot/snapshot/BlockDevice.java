package io.triagebot.snapshot;

/**
 * /sys/block/DEV/stat (11 fields; 15 since 4.18 with discards; 17 since 5.5 with flushes). Times are
 * milliseconds, sectors are 512 bytes whatever the device's block size.
 */
public record BlockDevice(String name, long reads, long readMerges, long readSectors, long readTicks, long writes,
        long writeMerges, long writeSectors, long writeTicks, long inFlight, long ioTicks, long timeInQueue,
        long discards, long discardTicks, long flushes, long flushTicks, int fieldCount) {
}
