package io.triagebot.snapshot;

import java.util.List;
import java.util.Map;

/**
 * The counters read at one point in time. Any field is null (or empty) when its probe was unavailable;
 * the reason is in {@link Snapshot#unavailable()}.
 *
 * @param vmstat /proc/vmstat counters
 * @param snmp /proc/net/snmp by protocol (Ip, Tcp, Udp...)
 * @param netstat /proc/net/netstat by group (TcpExt, IpExt...)
 * @param numastat per NUMA node, /sys/devices/system/node/nodeN/numastat
 */
public record Sample(
        double uptimeSeconds,
        ProcStat stat,
        Psi cpuPressure,
        Psi memoryPressure,
        Psi ioPressure,
        Map<String, Long> vmstat,
        List<BlockDevice> disks,
        Map<String, Map<String, Long>> snmp,
        Map<String, Map<String, Long>> netstat,
        List<NetInterface> interfaces,
        List<SoftnetStat> softnet,
        SchedStat schedstat,
        Interrupts interrupts,
        Interrupts softirqs,
        Map<Integer, Map<String, Long>> numastat,
        List<CgroupCpu> cgroupCpu,
        List<CgroupMemory> cgroupMemory,
        List<CgroupPressure> cgroupPressure,
        List<ProcessStat> processes,
        List<ThreadInfo> threads) {
}
