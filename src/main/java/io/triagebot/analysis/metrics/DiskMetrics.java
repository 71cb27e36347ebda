package io.triagebot.analysis.metrics;

import io.triagebot.snapshot.BlockDevice;
import io.triagebot.snapshot.BlockQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * One block device over the window, as iostat -xz 1 reports it.
 *
 * @param awaitMillis mean time per completed I/O including queueing (NaN with no I/O)
 * @param queueDepth aqu-sz: average requests in flight or queued
 * @param utilPercent %util: share of time with at least one I/O in flight; meaningless for devices that
 *     serve requests in parallel (NVMe, RAID, virtio)
 * @param inFlight requests in flight at the second sample
 * @param rotational true for a spinning disk, null when unknown
 */
public record DiskMetrics(String device, double readsPerSecond, double writesPerSecond, double readKbPerSecond,
        double writeKbPerSecond, double readAwaitMillis, double writeAwaitMillis, double awaitMillis, double queueDepth,
        double utilPercent, long inFlight, Boolean rotational, String scheduler) {

    static List<DiskMetrics> of(List<BlockDevice> a, List<BlockDevice> b, List<BlockQueue> queues, double window) {
        List<DiskMetrics> out = new ArrayList<>();
        if (!(window > 0)) {
            return out;
        }
        double windowMs = window * 1000;
        for (BlockDevice y : b) {
            BlockDevice x = a.stream().filter(d -> d.name().equals(y.name())).findFirst().orElse(null);
            if (x == null) {
                continue;
            }
            double reads = Deltas.delta(x.reads(), y.reads());
            double writes = Deltas.delta(x.writes(), y.writes());
            double rticks = Deltas.delta(x.readTicks(), y.readTicks());
            double wticks = Deltas.delta(x.writeTicks(), y.writeTicks());
            double ios = reads + writes;
            // A device with nothing in flight and nothing done (idle disks, unused loop/ram devices) says
            // nothing: iostat -z leaves it out too.
            if (!(ios > 0) && y.inFlight() == 0 && !(Deltas.delta(x.ioTicks(), y.ioTicks()) > 0)) {
                continue;
            }
            BlockQueue q = queues.stream().filter(d -> d.device().equals(y.name())).findFirst().orElse(null);
            out.add(new DiskMetrics(y.name(), reads / window, writes / window,
                    Deltas.delta(x.readSectors(), y.readSectors()) / 2 / window,
                    Deltas.delta(x.writeSectors(), y.writeSectors()) / 2 / window,
                    reads > 0 ? rticks / reads : Double.NaN, writes > 0 ? wticks / writes : Double.NaN,
                    ios > 0 ? (rticks + wticks) / ios : Double.NaN,
                    Deltas.delta(x.timeInQueue(), y.timeInQueue()) / windowMs,
                    Math.min(100, Deltas.percent(Deltas.delta(x.ioTicks(), y.ioTicks()), windowMs)),
                    y.inFlight(), q == null ? null : q.rotational(), q == null ? null : q.scheduler()));
        }
        return out;
    }
}
