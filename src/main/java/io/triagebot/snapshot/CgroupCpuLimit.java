package io.triagebot.snapshot;

/**
 * A cgroup's CFS bandwidth limit.
 *
 * @param quotaMicros -1 for no limit ("max" in v2, -1 in v1)
 */
public record CgroupCpuLimit(String path, int version, long quotaMicros, long periodMicros) {

    /** The limit in CPUs (1.5 = one and a half CPUs), or NaN when unlimited. */
    public double cpus() {
        return quotaMicros < 0 || periodMicros <= 0 ? Double.NaN : (double) quotaMicros / periodMicros;
    }
}
