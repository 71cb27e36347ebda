package io.triagebot.snapshot;

import java.util.List;
import java.util.Map;

/**
 * The USE method's software resources as read once (limits come from {@link Gauges#sysctls()}).
 *
 * @param cgroupPids per-cgroup task limits (pids controller, v1 or v2)
 * @param openFds open descriptors by pid (entries of /proc/PID/fd); processes the reader could not see are
 *     absent
 * @param openFdsTruncated the listing reached the probe's line cap: counts are a lower bound
 * @param fdSoftLimits the soft "Max open files" by pid, -1 for unlimited
 * @param tcpSockets every TCP socket but listeners, as read (possibly capped: see tcpSocketsTruncated)
 * @param tcpSocketsTruncated the socket tables reached the probe's line cap
 */
public record SoftwareResources(List<CgroupPids> cgroupPids, Map<Integer, Integer> openFds, boolean openFdsTruncated,
        Map<Integer, Long> fdSoftLimits, List<TcpSocket> tcpSockets, boolean tcpSocketsTruncated) {

    public static final SoftwareResources NONE = new SoftwareResources(List.of(), Map.of(), false, Map.of(), List.of(),
            false);

    /**
     * One cgroup's pids controller.
     *
     * @param path the cgroup's path below its hierarchy's mount ("/system.slice/db.service")
     * @param current tasks in it now (pids.current)
     * @param max its limit, or -1 for "max" (none)
     * @param rejected pids.events "max": forks refused because the limit was reached, since it was created;
     *     -1 when unread
     * @param rejectedLater the same counter at the second sample, -1 when unread
     */
    public record CgroupPids(String path, long current, long max, long rejected, long rejectedLater) {
    }

    /**
     * One TCP socket.
     *
     * @param localPort the local port
     * @param peer the remote address and port ("10.0.0.7:5432")
     * @param state the kernel's state code in hex ("01" established, "06" TIME_WAIT, ...)
     */
    public record TcpSocket(int localPort, String peer, String state) {

        public boolean timeWait() {
            return "06".equals(state);
        }
    }
}
