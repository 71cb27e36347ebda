package io.triagebot.snapshot;

/** A v2 cgroup's pressure files; any may be null when absent. */
public record CgroupPressure(String path, Psi cpu, Psi memory, Psi io) {
}
