package io.triagebot.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The formats differ by kernel version and configuration; each case below is the text a real kernel
 * of that kind prints (copied from kernel documentation and from hosts, not invented shapes).
 */
class KernelVariantsTest {

    @Test
    void blockStatWith11Fields() {
        // Before 4.18: no discard fields.
        BlockDevice d = IoNetFormats.blockStat("sda", List.of(
                "  446216  784926  9550688  4382310  424847  312726  5922052  19310380  0  3376340  23705160"));
        assertNotNull(d);
        assertEquals(11, d.fieldCount());
        assertEquals(446216, d.reads());
        assertEquals(19310380, d.writeTicks());
        assertEquals(23705160, d.timeInQueue());
        assertEquals(0, d.discards());
    }

    @Test
    void blockStatWith15And17Fields() {
        BlockDevice d15 = IoNetFormats.blockStat("nvme0n1", List.of(
                "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"));
        assertEquals(15, d15.fieldCount());
        assertEquals(12, d15.discards());
        assertEquals(15, d15.discardTicks());
        assertEquals(0, d15.flushes());
        BlockDevice d17 = IoNetFormats.blockStat("nvme0n1", List.of(
                "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"));
        assertEquals(17, d17.fieldCount());
        assertEquals(16, d17.flushes());
        assertEquals(17, d17.flushTicks());
    }

    @Test
    void blockStatRejectsShortOrGarbledLines() {
        assertNull(IoNetFormats.blockStat("sda", List.of("1 2 3")));
        assertNull(IoNetFormats.blockStat("sda", List.of("1 2 3 4 5 6 7 8 9 10 x")));
        assertNull(IoNetFormats.blockStat("sda", List.of()));
    }

    @Test
    void pressureWithAndWithoutFullLine() {
        Psi cpuOld = MemoryFormats.psi(List.of("some avg10=1.50 avg60=0.80 avg300=0.20 total=123456"));
        assertNotNull(cpuOld);
        assertNull(cpuOld.full(), "CPU pressure had no full line before 5.13");
        Psi mem = MemoryFormats.psi(List.of("some avg10=0.00 avg60=0.00 avg300=0.00 total=10",
                "full avg10=0.00 avg60=0.00 avg300=0.00 total=7"));
        assertEquals(7, mem.full().totalMicros());
        assertNull(MemoryFormats.psi(List.of()), "no PSI (kernel without CONFIG_PSI) parses to nothing");
    }

    @Test
    void procStatOnAnOldKernelWithoutStealOrGuest() {
        ProcStat s = CpuFormats.stat(List.of("cpu  100 0 50 1000 5 1 2", "cpu0 100 0 50 1000 5 1 2",
                "intr 500 0 1", "ctxt 9000", "btime 1", "processes 42", "procs_running 1", "procs_blocked 0"));
        assertNotNull(s);
        assertEquals(0, s.total().steal());
        assertEquals(1158, s.total().total());
        assertEquals(1, s.cpuCount());
        assertEquals(9000, s.contextSwitches());
    }

    @Test
    void procStatWithoutCpuLinesIsNothing() {
        assertNull(CpuFormats.stat(List.of("ctxt 1", "intr 2")));
    }

    @Test
    void schedstatVersion15UsesTheLastThreeFields() {
        SchedStat s = CpuFormats.schedstat(List.of("version 15", "timestamp 4295020320",
                "cpu0 0 0 0 0 0 0 2034985398302 180330392436 9338765",
                "domain0 3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35",
                "cpu1 0 0 0 0 0 0 2059883213155 172862718802 9398765"));
        assertEquals(2, s.cpus().size());
        assertEquals(180330392436L + 172862718802L, s.totalWaitingNanos());
    }

    @Test
    void interruptsWithSparseCpusAndSingleColumnLines() {
        Interrupts irq = CpuFormats.interrupts(List.of(
                "           CPU0       CPU2",
                "  0:         35          0   IO-APIC   2-edge      timer",
                " 24:    1200000         12   PCI-MSI 49152-edge      eth0-TxRx-0",
                "LOC:     100200      99000   Local timer interrupts",
                "ERR:          0",
                "MIS:          0"));
        assertEquals(List.of(0, 2), irq.cpuColumns());
        Interrupts.Source eth = irq.sources().stream().filter(x -> x.id().equals("24")).findFirst().orElseThrow();
        assertEquals(1200012, eth.total());
        assertTrue(eth.description().contains("eth0-TxRx-0"));
        Interrupts.Source err = irq.sources().stream().filter(x -> x.id().equals("ERR")).findFirst().orElseThrow();
        assertEquals(0, err.total());
    }

    @Test
    void softnetStatColumnCountVariesAndCpuColumnArrivedIn510() {
        List<SoftnetStat> old = IoNetFormats.softnet(List.of(
                "0000a1b2 00000000 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000"));
        assertEquals(0, old.get(0).cpu());
        assertEquals(0xa1b2, old.get(0).processed());
        assertEquals(3, old.get(0).timeSqueeze());
        // 5.10+: 13 columns, the last is the CPU (rows skip offline CPUs).
        List<SoftnetStat> modern = IoNetFormats.softnet(List.of(
                "00000010 00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000",
                "00000020 00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000003"));
        assertEquals(3, modern.get(1).cpu());
        assertEquals(2, modern.get(1).dropped());
    }

    @Test
    void cgroupV2CpuStatAndLimit() {
        CgroupFormats f = new CgroupFormats(List.of(
                "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0"));
        assertEquals("v2", f.layout());
        List<CgroupCpu> cpu = f.cpu(Map.of("/sys/fs/cgroup/system.slice/db.service/cpu.stat", List.of(
                "usage_usec 5000000", "user_usec 4000000", "system_usec 1000000", "nr_periods 100",
                "nr_throttled 40", "throttled_usec 2500000")));
        assertEquals(1, cpu.size());
        assertEquals("/system.slice/db.service", cpu.get(0).path());
        assertEquals(2, cpu.get(0).version());
        assertEquals(2500000, cpu.get(0).throttledMicros());
        List<CgroupCpuLimit> limits = f.cpuLimits(Map.of(
                "/sys/fs/cgroup/system.slice/db.service/cpu.max", List.of("50000 100000"),
                "/sys/fs/cgroup/system.slice/free.service/cpu.max", List.of("max 100000")));
        assertEquals(0.5, limits.stream().filter(l -> l.path().endsWith("db.service")).findFirst().orElseThrow().cpus());
        assertTrue(Double.isNaN(limits.stream().filter(l -> l.path().endsWith("free.service")).findFirst().orElseThrow().cpus()));
    }

    @Test
    void cgroupV1ThrottledTimeIsNanoseconds() {
        CgroupFormats f = new CgroupFormats(List.of(
                "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0",
                "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0"));
        assertEquals("v1", f.layout());
        List<CgroupCpu> cpu = f.cpu(Map.of("/sys/fs/cgroup/cpu,cpuacct/batch/cpu.stat", List.of(
                "nr_periods 10", "nr_throttled 9", "throttled_time 800000000")));
        assertEquals(1, cpu.get(0).version());
        assertEquals("/batch", cpu.get(0).path());
        assertEquals(800000, cpu.get(0).throttledMicros());
        List<CgroupCpuLimit> limits = f.cpuLimits(Map.of(
                "/sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_quota_us", List.of("20000"),
                "/sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_period_us", List.of("100000")));
        assertEquals(0.2, limits.get(0).cpus(), 1e-9);
        List<CgroupMemory> mem = f.memory(Map.of(
                "/sys/fs/cgroup/memory/batch/memory.usage_in_bytes", List.of("268435456"),
                "/sys/fs/cgroup/memory/batch/memory.limit_in_bytes", List.of("268435456"),
                "/sys/fs/cgroup/memory/batch/memory.memsw.usage_in_bytes", List.of("536870912"),
                "/sys/fs/cgroup/memory/batch/memory.oom_control", List.of("oom_kill_disable 0", "under_oom 0", "oom_kill 3"),
                "/sys/fs/cgroup/memory/free/memory.usage_in_bytes", List.of("4096"),
                "/sys/fs/cgroup/memory/free/memory.limit_in_bytes", List.of("9223372036854771712")));
        CgroupMemory batch = mem.stream().filter(m -> m.path().equals("/batch")).findFirst().orElseThrow();
        assertEquals(268435456L, batch.swapBytes(), "v1 swap is memsw minus usage");
        assertEquals(3, batch.oomKills());
        assertEquals(-1, mem.stream().filter(m -> m.path().equals("/free")).findFirst().orElseThrow().limitBytes(),
                "PAGE_COUNTER_MAX means no limit");
    }

    @Test
    void hybridLayoutIsRecognised() {
        CgroupFormats f = new CgroupFormats(List.of(
                "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0",
                "cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0"));
        assertEquals("hybrid", f.layout());
        assertEquals(2, f.locate("/sys/fs/cgroup/unified/a/cpu.pressure", 1).version());
        assertEquals(1, f.locate("/sys/fs/cgroup/memory/a/memory.usage_in_bytes", 2).version());
    }

    @Test
    void processNamesWithSpacesAndParenthesesParse() {
        ProcessStat p = ProcessFormats.stat(
                "4242 (evil) (name x) R 1 4242 4242 0 -1 4194560 300 0 7 0 150 50 0 0 20 0 3 0 100 12345678 2048 "
                        + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0", 0, 0);
        assertNotNull(p);
        assertEquals("evil) (name x", p.comm());
        assertEquals('R', p.state());
        assertEquals(150, p.utime());
        assertEquals(50, p.stime());
        assertEquals(7, p.majorFaults());
        assertEquals(3, p.threads());
        assertEquals(2048, p.rssPages());
    }

    @Test
    void threadListingPairsStatAndWchan() {
        List<ThreadInfo> threads = ProcessFormats.threads(List.of(
                "/proc/10/task/10/stat:10 (db) S 1 10 10 0 -1 0 0 0 0 0 5 5 0 0 20 0 2 0 1 1 100 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0",
                "/proc/10/task/11/stat:11 (db worker) D 1 10 10 0 -1 0 0 0 0 0 5 5 0 0 20 0 2 0 1 1 100 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0",
                "/proc/10/task/10/wchan:futex_wait_queue",
                "/proc/10/task/11/wchan:0"));
        assertEquals(2, threads.size());
        assertEquals(10, threads.get(1).stat().pid());
        assertEquals(11, threads.get(1).stat().tid());
        assertEquals('D', threads.get(1).stat().state());
        assertEquals("futex_wait_queue", threads.get(0).wchan());
        assertNull(threads.get(1).wchan(), "'0' means no wait channel");
    }

    @Test
    void tasksListingSeparatesProcessesFromThreads() {
        List<String> lines = List.of(
                "/proc/10/stat:10 (db) S 1 10 10 0 -1 0 0 0 4 0 50 20 0 0 20 0 2 0 1 1 300 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0",
                "/proc/10/task/10/stat:10 (db) S 1 10 10 0 -1 0 0 0 0 0 30 10 0 0 20 0 2 0 1 1 300 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0",
                "/proc/10/task/11/stat:11 (db) S 1 10 10 0 -1 0 0 0 0 0 20 10 0 0 20 0 2 0 1 1 300 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0",
                "/proc/10/task/10/wchan:do_epoll_wait",
                "/proc/10/task/11/wchan:futex_wait_queue");
        List<ProcessStat> processes = ProcessFormats.processes(lines);
        assertEquals(1, processes.size());
        assertEquals(70, processes.get(0).utime() + processes.get(0).stime());
        assertEquals(2, processes.get(0).threads());
        assertEquals(2, ProcessFormats.threads(lines).size());
    }

    @Test
    void kernelLogFromDmesgAndJournal() {
        List<KernelLogLine> log = KernelLogFormat.parse(List.of(
                "[ 1234.567890] BUG: soft lockup - CPU#1 stuck for 23s! [kworker:42]",
                "[    2.000000] myhost kernel: nvme0: I/O 12 QID 3 timeout, aborting",
                "a line without a timestamp"));
        assertEquals(1234.56789, log.get(0).secondsSinceBoot(), 1e-9);
        assertEquals("nvme0: I/O 12 QID 3 timeout, aborting", log.get(1).text());
        assertTrue(Double.isNaN(log.get(2).secondsSinceBoot()));
        assertEquals(-1, log.get(0).level(), "plain dmesg carries no level");
    }

    @Test
    void kernelLogLevelsFromDmesgDecoded() {
        List<KernelLogLine> log = KernelLogFormat.parse(List.of(
                "kern  :warn  : [ 1234.567890] neighbour: arp_cache: neighbor table overflow!",
                "user  :warn  : [ 1235.000000] mydrv: ring 3 stalled [triagebot-lab:42]",
                "kern  :info  : [ 1236.000000] EXT4-fs (vda): mounted filesystem",
                "kern  :err   : [ 1237.000000] blk_update_request: I/O error, dev sda, sector 1"));
        assertEquals(4, log.get(0).level());
        assertEquals("neighbour: arp_cache: neighbor table overflow!", log.get(0).text());
        assertEquals(1234.56789, log.get(0).secondsSinceBoot(), 1e-9);
        assertEquals(4, log.get(1).level(), "a program's warning (util-linux -r would print it as <5>)");
        assertFalse(log.get(2).warningOrAbove());
        assertEquals(3, log.get(3).level());
        assertEquals("blk_update_request: I/O error, dev sda, sector 1", log.get(3).text());
    }

    @Test
    void kernelLogLevelsFromDmesgRaw() {
        // dmesg -r: <facility * 8 + level>; lines written to /dev/kmsg by a program get facility user (1).
        List<KernelLogLine> log = KernelLogFormat.parse(List.of(
                "<4>[ 1234.567890] neighbour: arp_cache: neighbor table overflow!",
                "<12>[ 1235.000000] mydrv: ring 3 stalled [triagebot-lab:42]",
                "<6>[ 1236.000000] EXT4-fs (vda): mounted filesystem",
                "<3>a line without a timestamp"));
        assertEquals(4, log.get(0).level());
        assertEquals("neighbour: arp_cache: neighbor table overflow!", log.get(0).text());
        assertEquals(1234.56789, log.get(0).secondsSinceBoot(), 1e-9);
        assertEquals(4, log.get(1).level());
        assertTrue(log.get(1).warningOrAbove());
        assertFalse(log.get(2).warningOrAbove());
        assertEquals(3, log.get(3).level());
        assertEquals("a line without a timestamp", log.get(3).text());
        assertTrue(Double.isNaN(log.get(3).secondsSinceBoot()));
    }

    @Test
    void listenSocketsFromTcpAndTcp6() {
        List<ListenSocket> l = IoNetFormats.listen(List.of(
                "/proc/net/tcp:   1: 0100007F:1F90 00000000:0000 0A 00000000:00000081 00:00000000 00000000     0        0 123 1 0 100 0 0 10 0",
                "/proc/net/tcp6:   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0 100 0 0 10 0"));
        assertEquals(2, l.size());
        assertEquals("127.0.0.1", l.get(0).address());
        assertEquals(8080, l.get(0).port());
        assertEquals(0x81, l.get(0).acceptQueue());
        assertEquals(22, l.get(1).port());
        assertTrue(l.get(1).ipv6());
    }

    @Test
    void snmpPairsSkipMismatchedLines() {
        Map<String, Map<String, Long>> snmp = IoNetFormats.headerValuePairs(List.of(
                "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors",
                "Tcp: 1 200 120000 -1 100 50 3 2 7 10000 9000 45 0 5 0",
                "Udp: InDatagrams NoPorts",
                "Udp: 5"));
        assertEquals(45, snmp.get("Tcp").get("RetransSegs"));
        assertEquals(-1, snmp.get("Tcp").get("MaxConn"));
        assertNull(snmp.get("Udp"), "a value line with the wrong number of fields is skipped, not misread");
    }

    @Test
    void numbersFromASickHostNeverThrow() {
        assertEquals(Numbers.MISSING, Numbers.parseLong("12abc"));
        assertEquals(Numbers.MISSING, Numbers.parseLong("999999999999999999999999"));
        assertEquals(Long.MAX_VALUE, Numbers.parseLong("18446744073709551615"));
        assertEquals(Numbers.MISSING, Numbers.parseHex("zz"));
        assertTrue(Double.isNaN(Numbers.parseDouble("NaN-ish")));
    }
}
