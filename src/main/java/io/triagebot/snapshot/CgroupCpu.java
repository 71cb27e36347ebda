package io.triagebot.snapshot;

/**
 * A cgroup's CPU accounting and throttling, normalised across versions (v1 throttled_time is ns).
 *
 * @param path the cgroup path below its hierarchy's mount, e.g. "/system.slice/db.service"
 * @param usageMicros v2 usage_usec, or -1 when the file has none (v1)
 */
public record CgroupCpu(String path, int version, long periods, long throttledPeriods, long throttledMicros,
        long usageMicros) {
}
