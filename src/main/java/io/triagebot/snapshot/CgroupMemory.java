package io.triagebot.snapshot;

/**
 * A cgroup's memory state, normalised across versions. Values unknown in a version are -1.
 *
 * @param limitBytes -1 when unlimited
 * @param swapBytes v2 memory.swap.current; v1 memsw.usage minus usage
 * @param oomKills v2 memory.events oom_kill; v1 memory.oom_control oom_kill (4.13+)
 * @param oomEvents v2 memory.events oom (allocations that hit the limit with nothing reclaimable)
 * @param highEvents v2 memory.events high (throttled over memory.high)
 * @param maxEvents v2 memory.events max (reached memory.max)
 */
public record CgroupMemory(String path, int version, long usageBytes, long limitBytes, long swapBytes, long oomKills,
        long oomEvents, long highEvents, long maxEvents) {
}
