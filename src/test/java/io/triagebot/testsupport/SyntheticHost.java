package io.triagebot.testsupport;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Thresholds;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.probe.CatalogException;
import io.triagebot.probe.Collector;
import io.triagebot.probe.CollectorRun;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.ProbeCatalog;
import io.triagebot.probe.ProbeCatalogLoader;
import io.triagebot.probe.RawSnapshot;
import io.triagebot.probe.RunOutput;
import io.triagebot.snapshot.Snapshot;
import io.triagebot.snapshot.SnapshotReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * SYNTHETIC UNIT-TEST INPUT, not a recording of any real host. Builds the collector's marker stream (the
 * grammar of {@link io.triagebot.probe.CollectorScript}) from per-sample file contents, and runs it through
 * the real path: {@link io.triagebot.probe.CollectorOutputParser} via {@link Collector#assemble}, then
 * {@link SnapshotReader#read}. So a test reads like the host it describes:
 *
 * <pre>
 *   SyntheticHost.idle(2).window(1).vmstat("pswpin", 1000, 5200).memoryPressure(30, 23).snapshot()
 * </pre>
 *
 * {@link #idle(int)} starts from a quiet, healthy host: CPUs about 98% idle, 1,500 context switches/s, a few
 * hundred interrupts/s, 6 of 8 GiB available, unused swap, no pressure. Every counter method takes the
 * value in the first and in the second sample; the window is the time between them (default 1 s).
 * Real-condition fixtures recorded on hosts are a separate corpus.
 */
public final class SyntheticHost {

    private static final String NONCE = "@@TBsynthetic0000";
    private static final int HZ = 100;
    private static final String[] CPU_FIELDS = {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"};
    private static final List<String> TCP_FIELDS = List.of("RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn", "ActiveOpens",
            "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab", "InSegs", "OutSegs", "RetransSegs", "InErrs", "OutRsts",
            "InCsumErrors");
    private static final List<String> TCPEXT_FIELDS = List.of("SyncookiesSent", "PruneCalled", "ListenOverflows",
            "ListenDrops", "TCPTimeouts", "TCPSynRetrans", "TCPBacklogDrop", "TCPAbortOnMemory");
    /** The built-in catalog, loaded once (immutable). */
    private static final class Catalog {
        static final ProbeCatalog BUILT_IN = load();

        private static ProbeCatalog load() {
            try {
                return ProbeCatalogLoader.loadBuiltIn();
            } catch (CatalogException e) {
                throw new IllegalStateException("built-in probe catalog: " + e.getMessage(), e);
            }
        }
    }

    private final int cpus;
    private double window = 1.0;
    private double uptime = 10_000;
    private final Map<String, String[]> counterFiles = new TreeMap<>();
    private final Map<String, String> gaugeFiles = new TreeMap<>();
    private final Map<String, String> missingFiles = new TreeMap<>();
    private final Map<String, String[]> commands = new LinkedHashMap<>();
    private final Map<String, Integer> commandExit = new LinkedHashMap<>();

    private final boolean render;
    private final double[][] cpuPercent;
    private final long[][] cpuBase;
    private long[] ctxt = {5_000_000, 5_001_500};
    private long[] forks = {40_000, 40_005};
    private int running = 1;
    private int blocked;
    private final Map<String, long[]> vmstat = new LinkedHashMap<>();
    private final Map<String, Long> meminfo = new LinkedHashMap<>();
    private final Map<String, Interrupt> interrupts = new LinkedHashMap<>();
    private final Map<String, Interrupt> softirqs = new LinkedHashMap<>();
    private final Map<String, long[]> tcp = new LinkedHashMap<>();
    private final Map<String, long[]> tcpExt = new LinkedHashMap<>();
    private final Map<String, long[][]> psi = new LinkedHashMap<>();
    private final Map<Integer, Task> tasks = new TreeMap<>();
    private final List<String> listeners = new ArrayList<>();
    private final List<String> kernelLog = new ArrayList<>();
    private final List<String> processSwap = new ArrayList<>();
    private String mounts = "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0";

    private record Interrupt(String description, long[][] counts) {
    }

    /** One task (a process's main thread or another thread), per sample. */
    private static final class Task {
        final int pid;
        final int tid;
        String comm;
        char[] state = {'S', 'S'};
        String[] wchan = {"do_select", "do_select"};
        long[] utime = {100, 100};
        long[] stime = {50, 50};
        long[] majflt = {0, 0};
        long rssPages = 2500;
        final List<Task> threads = new ArrayList<>();

        Task(int pid, int tid, String comm) {
            this.pid = pid;
            this.tid = tid;
            this.comm = comm;
        }
    }

    private SyntheticHost(int cpus, boolean render) {
        this.cpus = cpus;
        this.render = render;
        this.cpuPercent = new double[cpus][CPU_FIELDS.length];
        this.cpuBase = new long[cpus][CPU_FIELDS.length];
    }

    /** A quiet, healthy host with {@code cpus} CPUs; override what the test is about. */
    public static SyntheticHost idle(int cpus) {
        SyntheticHost h = new SyntheticHost(cpus, true);
        for (int c = 0; c < cpus; c++) {
            h.cpuBase[c] = new long[] {5000, 10, 3000, 100_000, 100, 0, 50, 0};
            h.cpuTime(c, 1, 1, 0, 0, 0, 0);
        }
        for (String k : List.of("pswpin", "pswpout", "pgmajfault", "pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd",
                "pgsteal_direct", "allocstall_normal", "allocstall_movable", "workingset_refault_anon",
                "workingset_refault_file", "compact_stall", "compact_fail", "compact_success", "thp_fault_alloc",
                "thp_fault_fallback", "numa_hint_faults", "numa_hint_faults_local", "numa_pages_migrated", "pgmigrate_success",
                "oom_kill")) {
            h.vmstat.put(k, new long[] {1000, 1000});
        }
        h.vmstat.put("pgfault", new long[] {5_000_000, 5_000_300});
        h.meminfo.put("MemTotal", 8L * 1024 * 1024);
        h.meminfo.put("MemFree", 4L * 1024 * 1024);
        h.meminfo.put("MemAvailable", 6L * 1024 * 1024);
        h.meminfo.put("Buffers", 100_000L);
        h.meminfo.put("Cached", 2L * 1024 * 1024);
        h.meminfo.put("SwapCached", 0L);
        h.meminfo.put("Active(file)", 1024L * 1024);
        h.meminfo.put("Inactive(file)", 1024L * 1024);
        h.meminfo.put("SwapTotal", 2L * 1024 * 1024);
        h.meminfo.put("SwapFree", 2L * 1024 * 1024);
        h.meminfo.put("Dirty", 100L);
        h.meminfo.put("Writeback", 0L);
        long[] loc = new long[cpus];
        long[] res = new long[cpus];
        java.util.Arrays.fill(loc, 100);
        java.util.Arrays.fill(res, 10);
        h.interruptRate("LOC", "Local timer interrupts", loc);
        h.interruptRate("RES", "Rescheduling interrupts", res);
        long[] disk = new long[cpus];
        disk[0] = 20;
        h.interruptRate("24", "PCI-MSIX-0000:00:02.0   1-edge      virtio1-req.0", disk);
        long[] nic = new long[cpus];
        nic[cpus - 1] = 30;
        h.interruptRate("25", "PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0", nic);
        long[] timer = new long[cpus];
        java.util.Arrays.fill(timer, 50);
        h.softirqRate("TIMER", timer);
        long[] netrx = new long[cpus];
        netrx[cpus - 1] = 30;
        h.softirqRate("NET_RX", netrx);
        h.softirqRate("NET_TX", new long[cpus]);
        h.softirqRate("SCHED", timer);
        h.psi("cpu", 0, 0, -1, -1).psi("memory", 0, 0, 0, 0).psi("io", 0, 0, 0, 0);
        for (String f : TCP_FIELDS) {
            h.tcp.put(f, new long[] {0, 0});
        }
        h.tcp.put("RtoAlgorithm", new long[] {1, 1});
        h.tcp.put("RtoMin", new long[] {200, 200});
        h.tcp.put("RtoMax", new long[] {120000, 120000});
        h.tcp.put("MaxConn", new long[] {-1, -1});
        h.tcp("OutSegs", 1_000_000, 1_000_050).tcp("InSegs", 1_000_000, 1_000_050).tcp("CurrEstab", 3, 3);
        for (String f : TCPEXT_FIELDS) {
            h.tcpExt.put(f, new long[] {0, 0});
        }
        h.gaugeFile("/proc/loadavg", "0.08 0.05 0.01 1/180 12345");
        h.gaugeFile("/proc/sys/kernel/hostname", "synthetic-host");
        h.gaugeFile("/proc/sys/kernel/osrelease", "6.8.0-synthetic");
        h.sysctl("vm/swappiness", "60").sysctl("vm/watermark_scale_factor", "10").sysctl("vm/min_free_kbytes", "67584");
        h.sysctl("net/core/somaxconn", "4096").sysctl("net/ipv4/tcp_max_syn_backlog", "512");
        h.sysctl("net/ipv4/tcp_congestion_control", "cubic").sysctl("kernel/numa_balancing", "0");
        h.thp("always [madvise] never", "always defer defer+madvise [madvise] never");
        h.gaugeFile("/proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/zram0   partition\t2097148\t\t0\t\t100");
        h.counterFile("/proc/net/dev", netDev(0), netDev(1));
        h.counterFile("/proc/net/softnet_stat", softnet(cpus, 0), softnet(cpus, 1));
        h.gaugeFile("/proc/net/sockstat", "sockets: used 150\nTCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1\nUDP: inuse 2 mem 1");
        h.disk("vda", new long[] {10_000, 500, 800_000, 20_000, 50_000, 7000, 900_000, 60_000, 0, 70_000, 80_000},
                new long[] {10_000, 500, 800_000, 20_000, 50_002, 7000, 900_016, 60_002, 0, 70_002, 80_002});
        h.blockQueue("vda", "none [mq-deadline] kyber bfq", true, 256, 128);
        h.counterFile("/sys/devices/system/node/node0/numastat", numastat(0), numastat(1));
        h.gaugeFile("/sys/devices/system/node/node0/meminfo", "Node 0 MemTotal:        8388608 kB\nNode 0 MemFree:         4194304 kB");
        h.missingFile("/proc/schedstat", "No such file or directory");
        h.missingFile("/proc/lock_stat", "No such file or directory");
        h.process(1, "systemd", 'S', 500, 300, 500, 300).wchan(1, 1, "ep_poll", "ep_poll");
        h.process(420, "sshd", 'S', 40, 20, 40, 20);
        h.process(2, "kthreadd", 'S', 0, 5, 0, 5).wchan(2, 2, "kthreadd", "kthreadd");
        h.listener("0.0.0.0", 22, 0);
        h.kernelLog(5.0, "Linux version 6.8.0-synthetic (synthetic unit-test input)");
        h.cgroupFile("/system.slice/sshd.service/cpu.stat",
                "usage_usec 100000\nuser_usec 60000\nsystem_usec 40000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0",
                "usage_usec 100500\nuser_usec 60300\nsystem_usec 40200\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0");
        h.cgroupGauge("/system.slice/sshd.service/cpu.max", "max 100000");
        h.cgroupMemory("/system.slice/sshd.service", 20L << 20, -1, 0, 0, 0, 0, 0, 0);
        return h;
    }

    /**
     * A host where every file exists but every counter is zero and unchanged (a fresh or frozen kernel):
     * nothing to divide by, anywhere.
     */
    public static SyntheticHost allZero(int cpus) {
        SyntheticHost h = idle(cpus);
        for (int c = 0; c < cpus; c++) {
            h.cpuBase[c] = new long[CPU_FIELDS.length];
            h.cpuPercent[c] = new double[CPU_FIELDS.length];
        }
        h.ctxt = new long[] {0, 0};
        h.forks = new long[] {0, 0};
        h.running = 0;
        h.vmstat.replaceAll((k, v) -> new long[] {0, 0});
        h.meminfo.replaceAll((k, v) -> 0L);
        h.interrupts.replaceAll((k, v) -> new Interrupt(v.description(), new long[2][cpus]));
        h.softirqs.replaceAll((k, v) -> new Interrupt(v.description(), new long[2][cpus]));
        h.tcp.replaceAll((k, v) -> new long[] {0, 0});
        h.tcpExt.replaceAll((k, v) -> new long[] {0, 0});
        h.psi.replaceAll((k, v) -> new long[][] {{0, 0}, v[1][0] < 0 ? new long[] {-1, -1} : new long[] {0, 0}});
        h.disk("vda", new long[11], new long[11]);
        h.counterFile("/proc/net/dev", netDevZero(), netDevZero());
        h.counterFile("/proc/net/softnet_stat", softnetZero(cpus), softnetZero(cpus));
        h.counterFile("/sys/devices/system/node/node0/numastat", "numa_hit 0\nnuma_miss 0\nlocal_node 0\nother_node 0",
                "numa_hit 0\nnuma_miss 0\nlocal_node 0\nother_node 0");
        for (Task t : h.tasks.values()) {
            t.utime = new long[] {0, 0};
            t.stime = new long[] {0, 0};
        }
        h.cgroupFile("/system.slice/sshd.service/cpu.stat", "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0",
                "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0");
        return h;
    }

    /** Every counter far past every threshold at once, for "no detector throws" tests. */
    public static SyntheticHost maxedOut(int cpus) {
        SyntheticHost h = idle(cpus);
        for (int c = 0; c < cpus; c++) {
            h.cpuTime(c, 5, 60, 5, 10, 20, 0);
        }
        h.contextSwitches(0, 5_000_000).procs(200, 50);
        for (String k : List.copyOf(h.vmstat.keySet())) {
            h.vmstat(k, 0, 900_000);
        }
        h.vmstat("numa_hint_faults_local", 0, 10);
        h.meminfo("MemAvailable", 1000).meminfo("MemFree", 500).meminfo("SwapFree", 0);
        long[] huge = new long[cpus];
        java.util.Arrays.fill(huge, 900_000);
        h.interruptRate("LOC", "Local timer interrupts", huge).interruptRate("24", "PCI-MSIX 1-edge virtio1-req.0", huge);
        h.softirqRate("NET_RX", huge);
        h.cpuPressure(100).memoryPressure(100, 100).ioPressure(100, 100);
        h.tcp("OutSegs", 0, 100_000).tcp("RetransSegs", 0, 50_000);
        for (String f : TCPEXT_FIELDS) {
            h.tcpExt(f, 0, 100_000);
        }
        h.listener("0.0.0.0", 8080, 4096);
        h.diskIo("vda", 500, 500, 900, 128, 100);
        h.counterFile("/proc/net/softnet_stat", softnet(cpus, 0), softnetBusy(cpus));
        h.gaugeFile("/sys/devices/system/node/node1/meminfo", "Node 1 MemTotal:        8388608 kB\nNode 1 MemFree:         100 kB");
        h.counterFile("/sys/devices/system/node/node1/numastat", "numa_hit 0\nnuma_miss 0\nlocal_node 0\nother_node 0",
                "numa_hit 900000\nnuma_miss 900000\nlocal_node 100\nother_node 900000");
        h.sysctl("kernel/numa_balancing", "1");
        h.thp("[always] madvise never", "[always] defer defer+madvise madvise never");
        for (int i = 0; i < 8; i++) {
            h.process(3000 + i, "hog", 'R', 0, 0, 50, 400).wchan(3000 + i, 3000 + i, "futex_wait_queue", "futex_wait_queue");
            h.thread(3000 + i, 13000 + i, "hog", 'D', "io_schedule", 'D', "io_schedule");
        }
        h.process(3100, "convoy", 'S', 0, 0, 20, 40).wchan(3100, 3100, "futex_wait_queue", "futex_wait_queue");
        for (int t = 1; t <= 8; t++) {
            h.thread(3100, 3100 + t, "convoy", 'S', "futex_wait_queue", 'S', "futex_wait_queue");
        }
        h.cgroupFile("/system.slice/hog.service/cpu.stat", "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0",
                "usage_usec 2000000\nnr_periods 10\nnr_throttled 10\nthrottled_usec 900000");
        h.cgroupGauge("/system.slice/hog.service/cpu.max", "50000 100000");
        h.cgroupMemory("/system.slice/hog.service", 512L << 20, 512L << 20, 0, 400L << 20, 0, 50, 0, 900);
        h.cgroupPressure("/system.slice/hog.service", 100, 100, 100);
        h.kernelLog(9_999, "Memory cgroup out of memory: Killed process 3000 (hog) total-vm:900000kB, anon-rss:500000kB, file-rss:0kB");
        h.kernelLog(9_999, "irq 24: nobody cared (try booting with the \"irqpoll\" option)");
        h.kernelLog(9_999, "INFO: task hog:3001 blocked for more than 120 seconds.");
        h.gaugeFile("/proc/lock_stat", lockStatSample());
        h.sysctl("kernel/pid_max", "200").sysctl("fs/file-nr", "99000\t0\t100000").sysctl("fs/file-max", "100000");
        h.sysctl("net/ipv4/ip_local_port_range", "40000\t40001");
        h.command("tcp-sockets", "   0: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 00:00000000 00000000 0 0 0\n"
                + "   1: 0100007F:9C41 0100007F:1F90 01 00000000:00000000 00:00000000 00000000 0 0 0\n", null);
        return h;
    }

    // ---------------------------------------------------------------- window and raw files

    public SyntheticHost window(double seconds) {
        this.window = seconds;
        return this;
    }

    /** The target's uptime at the first sample (kernel log ages are measured from it). */
    public SyntheticHost uptime(double seconds) {
        this.uptime = seconds;
        return this;
    }

    public double window() {
        return window;
    }

    /** A counter file read in both samples. */
    public SyntheticHost counterFile(String path, String first, String second) {
        counterFiles.put(path, new String[] {first, second});
        missingFiles.remove(path);
        return this;
    }

    /** A gauge file, read once in the first sample. */
    public SyntheticHost gaugeFile(String path, String text) {
        gaugeFiles.put(path, text);
        missingFiles.remove(path);
        return this;
    }

    /** A file head could not read, with its error ("No such file or directory", "Operation not supported"). */
    public SyntheticHost missingFile(String path, String error) {
        counterFiles.remove(path);
        gaugeFiles.remove(path);
        missingFiles.put(path, error);
        return this;
    }

    /** Removes a file (and its structured source) from the stream: the probe reads nothing. */
    public SyntheticHost without(String path) {
        counterFiles.remove(path);
        gaugeFiles.remove(path);
        missingFiles.remove(path);
        switch (path) {
            case "/proc/pressure/cpu" -> psi.remove("cpu");
            case "/proc/pressure/memory" -> psi.remove("memory");
            case "/proc/pressure/io" -> psi.remove("io");
            default -> {
            }
        }
        return this;
    }

    /** A command probe's output in each sample ({@code second} null for gauges); exit status 0. */
    public SyntheticHost command(String probe, String first, String second) {
        commands.put(probe, new String[] {first, second});
        commandExit.put(probe, 0);
        return this;
    }

    /** A command probe that failed with {@code exit}, printing {@code output}. */
    public SyntheticHost commandFailed(String probe, int exit, String output) {
        commands.put(probe, new String[] {output, output});
        commandExit.put(probe, exit);
        return this;
    }

    // ---------------------------------------------------------------- /proc/stat, loadavg, pressure

    /**
     * One CPU's time split over the window, in percent (the rest is idle): user, system, iowait, irq,
     * softirq, steal.
     */
    public SyntheticHost cpuTime(int cpu, double user, double system, double iowait, double irq, double softirq, double steal) {
        double[] p = cpuPercent[cpu];
        p[0] = user;
        p[1] = 0;
        p[2] = system;
        p[4] = iowait;
        p[5] = irq;
        p[6] = softirq;
        p[7] = steal;
        p[3] = Math.max(0, 100 - user - system - iowait - irq - softirq - steal);
        return this;
    }

    /** Every CPU with the same user and system percentages, the rest idle. */
    public SyntheticHost allCpus(double user, double system) {
        for (int c = 0; c < cpus; c++) {
            cpuTime(c, user, system, 0, 0, 0, 0);
        }
        return this;
    }

    public SyntheticHost contextSwitches(long first, long second) {
        ctxt = new long[] {first, second};
        return this;
    }

    /** procs_running and procs_blocked at both samples. */
    public SyntheticHost procs(int runningTasks, int blockedTasks) {
        this.running = runningTasks;
        this.blocked = blockedTasks;
        return this;
    }

    public SyntheticHost loadavg(double one, double five, double fifteen) {
        return gaugeFile("/proc/loadavg", String.format(Locale.ROOT, "%.2f %.2f %.2f %d/400 9999", one, five, fifteen, running));
    }

    /** CPU PSI "some" as a percentage of the window (CPU has no full line here, as before 5.13). */
    public SyntheticHost cpuPressure(double somePercent) {
        return psiPercent("cpu", somePercent, Double.NaN);
    }

    public SyntheticHost memoryPressure(double somePercent, double fullPercent) {
        return psiPercent("memory", somePercent, fullPercent);
    }

    public SyntheticHost ioPressure(double somePercent, double fullPercent) {
        return psiPercent("io", somePercent, fullPercent);
    }

    /** Raw PSI totals in microseconds (full -1 for no full line). */
    public SyntheticHost psi(String resource, long someFirst, long someSecond, long fullFirst, long fullSecond) {
        psi.put(resource, new long[][] {{someFirst, someSecond}, {fullFirst, fullSecond}});
        return this;
    }

    private SyntheticHost psiPercent(String resource, double some, double full) {
        long base = 50_000_000;
        long dSome = Math.round(some / 100 * window * 1e6);
        long dFull = Double.isNaN(full) ? -1 : Math.round(full / 100 * window * 1e6);
        return psi(resource, base, base + dSome, dFull < 0 ? -1 : base / 2, dFull < 0 ? -1 : base / 2 + dFull);
    }

    // ---------------------------------------------------------------- memory

    /** A /proc/vmstat counter in each sample. */
    public SyntheticHost vmstat(String key, long first, long second) {
        vmstat.put(key, new long[] {first, second});
        return this;
    }

    /** A /proc/vmstat counter rising by {@code perSecond} over the window. */
    public SyntheticHost vmstatRate(String key, double perSecond) {
        long base = vmstat.containsKey(key) ? vmstat.get(key)[0] : 1000;
        return vmstat(key, base, base + Math.round(perSecond * window));
    }

    /** A /proc/meminfo value in kB (read once). */
    public SyntheticHost meminfo(String key, long kb) {
        meminfo.put(key, kb);
        return this;
    }

    public SyntheticHost sysctl(String name, String value) {
        return gaugeFile("/proc/sys/" + name, value);
    }

    public SyntheticHost thp(String enabled, String defrag) {
        gaugeFile("/sys/kernel/mm/transparent_hugepage/enabled", enabled);
        return gaugeFile("/sys/kernel/mm/transparent_hugepage/defrag", defrag);
    }

    /** A process's VmSwap, as grep prints /proc/PID/status. */
    public SyntheticHost processSwap(int pid, long kb) {
        processSwap.add("/proc/" + pid + "/status:VmSwap:\t" + kb + " kB");
        return this;
    }

    // ---------------------------------------------------------------- interrupts and softirqs

    /** A /proc/interrupts line's per-CPU counts in each sample. */
    public SyntheticHost interrupt(String id, String description, long[] first, long[] second) {
        interrupts.put(id, new Interrupt(description, new long[][] {first.clone(), second.clone()}));
        return this;
    }

    /** A /proc/interrupts source firing {@code perSecondPerCpu[c]} times per second on each CPU. */
    public SyntheticHost interruptRate(String id, String description, long[] perSecondPerCpu) {
        long[] a = new long[cpus];
        long[] b = new long[cpus];
        for (int c = 0; c < cpus; c++) {
            a[c] = 100_000;
            b[c] = a[c] + Math.round(perSecondPerCpu[c] * window);
        }
        return interrupt(id, description, a, b);
    }

    public SyntheticHost softirq(String id, long[] first, long[] second) {
        softirqs.put(id, new Interrupt("", new long[][] {first.clone(), second.clone()}));
        return this;
    }

    public SyntheticHost softirqRate(String id, long[] perSecondPerCpu) {
        long[] a = new long[cpus];
        long[] b = new long[cpus];
        for (int c = 0; c < cpus; c++) {
            a[c] = 200_000;
            b[c] = a[c] + Math.round(perSecondPerCpu[c] * window);
        }
        return softirq(id, a, b);
    }

    // ---------------------------------------------------------------- disks

    /** /sys/block/DEV/stat in each sample (11, 15 or 17 numbers). */
    public SyntheticHost disk(String device, long[] first, long[] second) {
        return counterFile("/sys/block/" + device + "/stat", join(first), join(second));
    }

    /**
     * A device doing {@code reads} and {@code writes} per second with {@code awaitMs} mean latency, an
     * average queue of {@code queueDepth} and {@code utilPercent} busy time, as iostat -x would show.
     */
    public SyntheticHost diskIo(String device, double reads, double writes, double awaitMs, double queueDepth, double utilPercent) {
        long r = Math.round(reads * window);
        long w = Math.round(writes * window);
        long[] a = {10_000, 0, 800_000, 20_000, 50_000, 0, 900_000, 60_000, 0, 70_000, 80_000};
        long[] b = a.clone();
        b[0] += r;
        b[2] += r * 8;
        b[3] += Math.round(awaitMs * r);
        b[4] += w;
        b[6] += w * 8;
        b[7] += Math.round(awaitMs * w);
        b[8] = Math.round(queueDepth);
        b[9] += Math.round(utilPercent / 100 * window * 1000);
        b[10] += Math.round(queueDepth * window * 1000);
        return disk(device, a, b);
    }

    public SyntheticHost blockQueue(String device, String scheduler, Boolean rotational, int nrRequests, int readAheadKb) {
        gaugeFile("/sys/block/" + device + "/queue/scheduler", scheduler);
        if (rotational != null) {
            gaugeFile("/sys/block/" + device + "/queue/rotational", rotational ? "1" : "0");
        }
        gaugeFile("/sys/block/" + device + "/queue/nr_requests", Integer.toString(nrRequests));
        return gaugeFile("/sys/block/" + device + "/queue/read_ahead_kb", Integer.toString(readAheadKb));
    }

    // ---------------------------------------------------------------- network

    /** A /proc/net/snmp Tcp counter in each sample. */
    public SyntheticHost tcp(String counter, long first, long second) {
        tcp.put(counter, new long[] {first, second});
        return this;
    }

    /** A /proc/net/netstat TcpExt counter in each sample. */
    public SyntheticHost tcpExt(String counter, long first, long second) {
        tcpExt.put(counter, new long[] {first, second});
        return this;
    }

    /** A listening socket with {@code acceptQueue} connections waiting, as /proc/net/tcp shows it. */
    public SyntheticHost listener(String ipv4, int port, long acceptQueue) {
        String[] o = ipv4.split("\\.");
        String addr = String.format(Locale.ROOT, "%02X%02X%02X%02X", Integer.parseInt(o[3]), Integer.parseInt(o[2]),
                Integer.parseInt(o[1]), Integer.parseInt(o[0]));
        listeners.add(String.format(Locale.ROOT, "/proc/net/tcp:   %d: %s:%04X 00000000:0000 0A 00000000:%08X 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0",
                listeners.size(), addr, port, acceptQueue, 10_000 + port));
        return this;
    }

    public SyntheticHost softnetFile(String first, String second) {
        return counterFile("/proc/net/softnet_stat", first, second);
    }

    /** softnet_stat rows (processed, dropped, squeezed per CPU) for both samples, as hex like the kernel. */
    public static String softnetRows(long[][] rows) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < rows.length; c++) {
            s.append(String.format(Locale.ROOT, "%08x %08x %08x 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 %08x%n",
                    rows[c][0], rows[c][1], rows[c][2], c));
        }
        return s.toString().strip();
    }

    public SyntheticHost netDevFile(String first, String second) {
        return counterFile("/proc/net/dev", first, second);
    }

    // ---------------------------------------------------------------- processes and threads

    /** A single-threaded process with its state and CPU ticks (USER_HZ) in each sample; state also per sample. */
    public SyntheticHost process(int pid, String comm, char state, long utime1, long stime1, long utime2, long stime2) {
        Task t = new Task(pid, pid, comm);
        t.state = new char[] {state, state};
        t.wchan = state == 'R' ? new String[] {null, null} : new String[] {"do_select", "do_select"};
        t.utime = new long[] {utime1, utime2};
        t.stime = new long[] {stime1, stime2};
        tasks.put(pid, t);
        return this;
    }

    /** The main thread's state and wait channel in each sample (null wchan: running, reads as "0"). */
    public SyntheticHost wchan(int pid, int tid, String first, String second) {
        Task t = task(pid, tid);
        t.wchan = new String[] {first, second};
        return this;
    }

    /** An extra thread of {@code pid} (or the main thread when tid == pid) with its state and wchan per sample. */
    public SyntheticHost thread(int pid, int tid, String comm, char state1, String wchan1, char state2, String wchan2) {
        Task p = tasks.get(pid);
        if (p == null) {
            throw new IllegalArgumentException("declare process " + pid + " first");
        }
        Task t = tid == pid ? p : new Task(pid, tid, comm);
        t.state = new char[] {state1, state2};
        t.wchan = new String[] {wchan1, wchan2};
        if (tid != pid) {
            p.threads.removeIf(x -> x.tid == tid);
            p.threads.add(t);
        }
        return this;
    }

    public SyntheticHost rss(int pid, long pages) {
        tasks.get(pid).rssPages = pages;
        return this;
    }

    public SyntheticHost majorFaults(int pid, long first, long second) {
        tasks.get(pid).majflt = new long[] {first, second};
        return this;
    }

    private Task task(int pid, int tid) {
        Task p = tasks.get(pid);
        if (p == null) {
            throw new IllegalArgumentException("declare process " + pid + " first");
        }
        if (tid == pid) {
            return p;
        }
        return p.threads.stream().filter(x -> x.tid == tid).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("declare thread " + tid + " first"));
    }

    // ---------------------------------------------------------------- kernel log, cgroups, lock_stat

    /** A dmesg line logged {@code secondsSinceBoot} after boot (the first sample is at {@link #uptime}). */
    public SyntheticHost kernelLog(double secondsSinceBoot, String text) {
        kernelLog.add(String.format(Locale.ROOT, "[%12.6f] %s", secondsSinceBoot, text));
        return this;
    }

    /** A dmesg line without a timestamp (printk.time=0). */
    public SyntheticHost kernelLogUntimed(String text) {
        kernelLog.add(text);
        return this;
    }

    /** Switches to a cgroup v1 layout: cpu,cpuacct and memory controllers mounted under /sys/fs/cgroup. */
    public SyntheticHost cgroupV1() {
        mounts = "tmpfs /sys/fs/cgroup tmpfs ro,nosuid,nodev,noexec,mode=755 0 0\n"
                + "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0\n"
                + "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0";
        counterFiles.keySet().removeIf(p -> p.startsWith("/sys/fs/cgroup/"));
        gaugeFiles.keySet().removeIf(p -> p.startsWith("/sys/fs/cgroup/"));
        return this;
    }

    /** A cgroup v2 counter file at {@code path} below /sys/fs/cgroup ("/system.slice/x.service/cpu.stat"). */
    public SyntheticHost cgroupFile(String path, String first, String second) {
        return counterFile("/sys/fs/cgroup" + path, first, second);
    }

    public SyntheticHost cgroupGauge(String path, String text) {
        return gaugeFile("/sys/fs/cgroup" + path, text);
    }

    /** v2 cpu.stat with periods, throttled periods and throttled time in each sample, and its cpu.max. */
    public SyntheticHost cgroupCpu(String path, long usageUsec1, long periods1, long throttled1, long throttledUsec1,
            long usageUsec2, long periods2, long throttled2, long throttledUsec2, String cpuMax) {
        cgroupFile(path + "/cpu.stat", String.format(Locale.ROOT,
                "usage_usec %d\nuser_usec %d\nsystem_usec 0\nnr_periods %d\nnr_throttled %d\nthrottled_usec %d",
                usageUsec1, usageUsec1, periods1, throttled1, throttledUsec1), String.format(Locale.ROOT,
                "usage_usec %d\nuser_usec %d\nsystem_usec 0\nnr_periods %d\nnr_throttled %d\nthrottled_usec %d",
                usageUsec2, usageUsec2, periods2, throttled2, throttledUsec2));
        return cpuMax == null ? this : cgroupGauge(path + "/cpu.max", cpuMax);
    }

    /**
     * v2 memory files: usage and limit (-1 for "max"), swap in each sample, and the memory.events oom_kill
     * and max counts in each sample.
     */
    public SyntheticHost cgroupMemory(String path, long usage, long limit, long swap1, long swap2, long oomKill1,
            long oomKill2, long max1, long max2) {
        cgroupFile(path + "/memory.current", Long.toString(usage), Long.toString(usage));
        cgroupFile(path + "/memory.max", limit < 0 ? "max" : Long.toString(limit), limit < 0 ? "max" : Long.toString(limit));
        cgroupFile(path + "/memory.swap.current", Long.toString(swap1), Long.toString(swap2));
        return cgroupFile(path + "/memory.events",
                "low 0\nhigh 0\nmax " + max1 + "\noom " + oomKill1 + "\noom_kill " + oomKill1 + "\noom_group_kill 0",
                "low 0\nhigh 0\nmax " + max2 + "\noom " + oomKill2 + "\noom_kill " + oomKill2 + "\noom_group_kill 0");
    }

    /** v2 cpu/memory/io pressure of a cgroup, as percentages of the window ("some"; memory and io full equal to some). */
    public SyntheticHost cgroupPressure(String path, double cpuSome, double memorySome, double ioSome) {
        cgroupFile(path + "/cpu.pressure", psiText(0, 0, -1), psiText(0, Math.round(cpuSome / 100 * window * 1e6), -1));
        cgroupFile(path + "/memory.pressure", psiText(0, 0, 0), psiText(0, Math.round(memorySome / 100 * window * 1e6),
                Math.round(memorySome / 100 * window * 1e6)));
        return cgroupFile(path + "/io.pressure", psiText(0, 0, 0), psiText(0, Math.round(ioSome / 100 * window * 1e6),
                Math.round(ioSome / 100 * window * 1e6)));
    }

    /** v1 memory files (usage, limit, memsw usage, oom_control oom_kill) in each sample. */
    public SyntheticHost cgroupV1Memory(String path, long usage, long limit, long memsw1, long memsw2, long oomKill1, long oomKill2) {
        String dir = "/sys/fs/cgroup/memory" + path;
        counterFile(dir + "/memory.usage_in_bytes", Long.toString(usage), Long.toString(usage));
        counterFile(dir + "/memory.limit_in_bytes", Long.toString(limit), Long.toString(limit));
        counterFile(dir + "/memory.memsw.usage_in_bytes", Long.toString(memsw1), Long.toString(memsw2));
        return counterFile(dir + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill " + oomKill1,
                "oom_kill_disable 0\nunder_oom 0\noom_kill " + oomKill2);
    }

    /** v1 cpu.stat (throttled_time in ns) and quota/period files under cpu,cpuacct. */
    public SyntheticHost cgroupV1Cpu(String path, long periods1, long throttled1, long periods2, long throttled2,
            long throttledNs2, long quotaUs, long periodUs) {
        String dir = "/sys/fs/cgroup/cpu,cpuacct" + path;
        counterFile(dir + "/cpu.stat", "nr_periods " + periods1 + "\nnr_throttled " + throttled1 + "\nthrottled_time 0",
                "nr_periods " + periods2 + "\nnr_throttled " + throttled2 + "\nthrottled_time " + throttledNs2);
        gaugeFile(dir + "/cpu.cfs_quota_us", Long.toString(quotaUs));
        return gaugeFile(dir + "/cpu.cfs_period_us", Long.toString(periodUs));
    }

    public SyntheticHost lockStat(String text) {
        return gaugeFile("/proc/lock_stat", text);
    }

    /** A NUMA node's numastat counters in each sample, and its MemFree/MemTotal. */
    public SyntheticHost numaNode(int node, long local1, long other1, long miss1, long local2, long other2, long miss2,
            long memTotalKb, long memFreeKb) {
        counterFile("/sys/devices/system/node/node" + node + "/numastat",
                "numa_hit " + local1 + "\nnuma_miss " + miss1 + "\nnuma_foreign 0\ninterleave_hit 0\nlocal_node " + local1
                        + "\nother_node " + other1,
                "numa_hit " + local2 + "\nnuma_miss " + miss2 + "\nnuma_foreign 0\ninterleave_hit 0\nlocal_node " + local2
                        + "\nother_node " + other2);
        return gaugeFile("/sys/devices/system/node/node" + node + "/meminfo",
                "Node " + node + " MemTotal:       " + memTotalKb + " kB\nNode " + node + " MemFree:        " + memFreeKb + " kB");
    }

    // ---------------------------------------------------------------- building

    /** The raw collector stream this host prints (for debugging a test). */
    public String stream() {
        Map<String, String[]> counters = new TreeMap<>(counterFiles);
        Map<String, String> gauges = new TreeMap<>(gaugeFiles);
        Map<String, String[]> cmds = new LinkedHashMap<>(commands);
        if (render) {
            renderStructured(counters, gauges, cmds);
        }
        StringBuilder s = new StringBuilder();
        s.append(NONCE).append(" H 1\n");
        for (int sample = 0; sample < 2; sample++) {
            s.append(NONCE).append(" S ").append(sample + 1).append('\n');
            s.append(NONCE).append(" F\n");
            double up = uptime + sample * window;
            s.append("==> /proc/uptime <==\n").append(String.format(Locale.ROOT, "%.2f %.2f", up, up * 1.5)).append('\n');
            for (Map.Entry<String, String[]> e : counters.entrySet()) {
                appendFile(s, e.getKey(), e.getValue()[sample]);
            }
            if (sample == 0) {
                for (Map.Entry<String, String> e : gauges.entrySet()) {
                    appendFile(s, e.getKey(), e.getValue());
                }
            }
            for (Map.Entry<String, String> e : missingFiles.entrySet()) {
                s.append("head: cannot open '").append(e.getKey()).append("' for reading: ").append(e.getValue()).append('\n');
            }
            s.append(NONCE).append(" f 0\n");
            for (Map.Entry<String, String[]> e : cmds.entrySet()) {
                String out = e.getValue()[sample];
                if (out == null) {
                    continue;
                }
                s.append(NONCE).append(" C ").append(e.getKey()).append('\n');
                if (!out.isEmpty()) {
                    s.append(out).append('\n');
                }
                s.append(NONCE).append(" R ").append(e.getKey()).append(' ').append(commandExit.getOrDefault(e.getKey(), 0))
                        .append('\n');
            }
        }
        s.append(NONCE).append(" Z\n");
        return s.toString();
    }

    public RawSnapshot raw() {
        byte[] bytes = stream().getBytes(StandardCharsets.UTF_8);
        CollectorRun run = new CollectorRun(NONCE, new RunOutput(bytes, 0, false, false, ""),
                Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMillis(Math.round(window * 1000) + 50));
        return new Collector(catalog()).assemble("synthetic", run, CollectorSettings.defaults());
    }

    public Snapshot snapshot() {
        return SnapshotReader.read(raw());
    }

    /** What a detector gets for this host, with the built-in thresholds. */
    public AnalysisContext context() {
        return context(Thresholds.builtIn());
    }

    public AnalysisContext context(Thresholds thresholds) {
        Snapshot s = snapshot();
        return new AnalysisContext(s, Metrics.of(s), thresholds);
    }

    private static ProbeCatalog catalog() {
        return Catalog.BUILT_IN;
    }

    private static void appendFile(StringBuilder s, String path, String text) {
        // head separates files with an empty line before each header but the first.
        s.append('\n').append("==> ").append(path).append(" <==\n");
        if (!text.isEmpty()) {
            s.append(text).append('\n');
        }
    }

    private void renderStructured(Map<String, String[]> counters, Map<String, String> gauges, Map<String, String[]> cmds) {
        String[] stat = new String[2];
        String[] vm = new String[2];
        String[] irq = new String[2];
        String[] soft = new String[2];
        String[] snmp = new String[2];
        String[] netstat = new String[2];
        String[] taskLines = new String[2];
        for (int i = 0; i < 2; i++) {
            stat[i] = procStat(i);
            vm[i] = keyValues(vmstat, i);
            irq[i] = table(interrupts, i, true);
            soft[i] = table(softirqs, i, false);
            snmp[i] = headerValues("Tcp", tcp, TCP_FIELDS, i);
            netstat[i] = headerValues("TcpExt", tcpExt, TCPEXT_FIELDS, i);
            taskLines[i] = tasks(i);
        }
        counters.putIfAbsent("/proc/stat", stat);
        counters.putIfAbsent("/proc/vmstat", vm);
        counters.putIfAbsent("/proc/interrupts", irq);
        counters.putIfAbsent("/proc/softirqs", soft);
        counters.putIfAbsent("/proc/net/snmp", snmp);
        counters.putIfAbsent("/proc/net/netstat", netstat);
        for (Map.Entry<String, long[][]> e : psi.entrySet()) {
            long[][] v = e.getValue();
            counters.putIfAbsent("/proc/pressure/" + e.getKey(),
                    new String[] {psiText(v[0][0], v[0][0], v[1][0]), psiText(v[0][0], v[0][1], v[1][1] < 0 ? -1 : v[1][1])});
        }
        if (!meminfo.isEmpty()) {
            StringBuilder m = new StringBuilder();
            meminfo.forEach((k, v) -> m.append(String.format(Locale.ROOT, "%-16s%10d kB%n", k + ":", v)));
            gauges.putIfAbsent("/proc/meminfo", m.toString().strip());
        }
        gauges.putIfAbsent("/proc/self/mounts", "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n" + mounts);
        cmds.putIfAbsent("tasks", taskLines);
        cmds.putIfAbsent("kernel-log", new String[] {String.join("\n", kernelLog), null});
        cmds.putIfAbsent("tcp-listen", new String[] {String.join("\n", listeners), null});
        cmds.putIfAbsent("process-swap", new String[] {String.join("\n", processSwap), null});
        if (processSwap.isEmpty()) {
            commandExit.putIfAbsent("process-swap", 1);
        }
    }

    /** PSI text: the "some" line's first-sample total is only used for avg fields; totals drive the analysis. */
    private static String psiText(long unused, long someTotal, long fullTotal) {
        String some = "some avg10=0.00 avg60=0.00 avg300=0.00 total=" + someTotal;
        return fullTotal < 0 ? some : some + "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=" + fullTotal;
    }

    private String procStat(int sample) {
        long[] total = new long[CPU_FIELDS.length];
        StringBuilder per = new StringBuilder();
        long ticks = Math.round(window * HZ);
        for (int c = 0; c < cpus; c++) {
            long[] v = cpuBase[c].clone();
            if (sample == 1) {
                long used = 0;
                for (int f = 0; f < CPU_FIELDS.length; f++) {
                    if (f != 3) {
                        long d = Math.round(cpuPercent[c][f] / 100 * ticks);
                        v[f] += d;
                        used += d;
                    }
                }
                boolean moving = false;
                for (double x : cpuPercent[c]) {
                    moving |= x > 0;
                }
                if (moving) {
                    v[3] += Math.max(0, ticks - used);
                }
            }
            for (int f = 0; f < total.length; f++) {
                total[f] += v[f];
            }
            per.append("cpu").append(c).append(' ').append(join(v)).append(" 0 0\n");
        }
        long intr = 0;
        for (Interrupt i : interrupts.values()) {
            for (long x : i.counts()[sample]) {
                intr += x;
            }
        }
        return "cpu  " + join(total) + " 0 0\n" + per + "intr " + intr + " 0 0 0\nctxt " + ctxt[sample]
                + "\nbtime 1700000000\nprocesses " + forks[sample] + "\nprocs_running " + running + "\nprocs_blocked " + blocked
                + "\nsoftirq 1000 0 0 0 0 0 0 0 0 0 0";
    }

    private static String keyValues(Map<String, long[]> values, int sample) {
        StringBuilder s = new StringBuilder();
        values.forEach((k, v) -> s.append(k).append(' ').append(v[sample]).append('\n'));
        return s.toString().strip();
    }

    private String table(Map<String, Interrupt> sources, int sample, boolean padIds) {
        StringBuilder s = new StringBuilder("          ");
        for (int c = 0; c < cpus; c++) {
            s.append(String.format(Locale.ROOT, " %10s", "CPU" + c));
        }
        s.append('\n');
        for (Map.Entry<String, Interrupt> e : sources.entrySet()) {
            s.append(String.format(Locale.ROOT, padIds ? "%4s:" : "%10s:", e.getKey()));
            for (long v : e.getValue().counts()[sample]) {
                s.append(String.format(Locale.ROOT, " %10d", v));
            }
            if (!e.getValue().description().isEmpty()) {
                s.append("   ").append(e.getValue().description());
            }
            s.append('\n');
        }
        return s.toString().stripTrailing();
    }

    private static String headerValues(String proto, Map<String, long[]> values, List<String> order, int sample) {
        StringBuilder names = new StringBuilder(proto).append(':');
        StringBuilder nums = new StringBuilder(proto).append(':');
        List<String> keys = new ArrayList<>(order);
        values.keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        for (String k : keys) {
            long[] v = values.getOrDefault(k, new long[] {0, 0});
            names.append(' ').append(k);
            nums.append(' ').append(v[sample]);
        }
        return names + "\n" + nums;
    }

    private String tasks(int sample) {
        List<String> stats = new ArrayList<>();
        List<String> threadStats = new ArrayList<>();
        List<String> wchans = new ArrayList<>();
        for (Task p : tasks.values()) {
            int threads = 1 + p.threads.size();
            stats.add("/proc/" + p.pid + "/stat:" + statLine(p.pid, p, sample, threads));
            List<Task> all = new ArrayList<>();
            all.add(p);
            all.addAll(p.threads);
            for (Task t : all) {
                threadStats.add("/proc/" + p.pid + "/task/" + t.tid + "/stat:" + statLine(t.tid, t, sample, threads));
                String w = t.wchan[sample];
                wchans.add("/proc/" + p.pid + "/task/" + t.tid + "/wchan:" + (w == null ? "0" : w));
            }
        }
        List<String> all = new ArrayList<>(stats);
        all.addAll(threadStats);
        all.addAll(wchans);
        return String.join("\n", all);
    }

    private static String statLine(int id, Task t, int sample, int threads) {
        StringBuilder s = new StringBuilder();
        s.append(id).append(" (").append(t.comm).append(") ").append(t.state[sample]).append(" 1 ").append(t.pid).append(' ')
                .append(t.pid).append(" 0 -1 4194304 1000 0 ").append(t.majflt[sample]).append(" 0 ").append(t.utime[sample])
                .append(' ').append(t.stime[sample]).append(" 0 0 20 0 ").append(threads).append(" 0 5000 100000000 ")
                .append(t.rssPages);
        for (int i = 0; i < 28; i++) {
            s.append(" 0");
        }
        return s.toString();
    }

    private static String join(long[] v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : " ").append(v[i]);
        }
        return s.toString();
    }

    private static String netDev(int sample) {
        long lo = 1_000_000 + sample * 5_000L;
        long eth = 50_000_000 + sample * 20_000L;
        return "Inter-|   Receive                                                |  Transmit\n"
                + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
                + "    lo: " + lo + " " + (lo / 100) + " 0 0 0 0 0 0 " + lo + " " + (lo / 100) + " 0 0 0 0 0 0\n"
                + "  eth0: " + eth + " " + (eth / 1000) + " 0 0 0 0 0 0 " + eth + " " + (eth / 1000) + " 0 0 0 0 0 0";
    }

    private static String netDevZero() {
        return "Inter-|   Receive                                                |  Transmit\n"
                + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
                + "    lo: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n  eth0: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0";
    }

    private static String softnet(int cpus, int sample) {
        long[][] rows = new long[cpus][3];
        for (int c = 0; c < cpus; c++) {
            rows[c] = new long[] {100_000 + sample * 30L, 0, 0};
        }
        return softnetRows(rows);
    }

    private static String softnetBusy(int cpus) {
        long[][] rows = new long[cpus][3];
        for (int c = 0; c < cpus; c++) {
            rows[c] = new long[] {900_000, 5_000, 5_000};
        }
        return softnetRows(rows);
    }

    private static String softnetZero(int cpus) {
        return softnetRows(new long[cpus][3]);
    }

    private static String numastat(int sample) {
        long hit = 10_000_000 + sample * 1000L;
        return "numa_hit " + hit + "\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 500\nlocal_node " + hit + "\nother_node 0";
    }

    private static String lockStatSample() {
        return "lock_stat version 0.4\n"
                + "-----------------------------------------------------------------------------------------------\n"
                + "                              class name    con-bounces    contentions   waittime-min   waittime-max waittime-total   waittime-avg    acq-bounces   acquisitions   holdtime-min   holdtime-max holdtime-total   holdtime-avg\n"
                + "-----------------------------------------------------------------------------------------------\n"
                + "\n"
                + "                         &mm->mmap_lock-W:           338            338           0.22        1284.48       41290.63         122.16          15143          40568           0.00         100.94       48795.37           1.20";
    }
}
