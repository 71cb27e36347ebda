package io.triagebot.analysis.metrics;

import io.triagebot.snapshot.NetInterface;
import io.triagebot.snapshot.SoftnetStat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TCP and interface health over the window, as sar -n TCP,ETCP,DEV 1 and nstat report them.
 *
 * @param retransmitPercent RetransSegs over OutSegs, percent (NaN with no segments sent)
 * @param listenOverflowsPerSecond TcpExt ListenOverflows: the accept queue was full
 * @param listenDropsPerSecond TcpExt ListenDrops: SYNs dropped at a listener for any reason
 * @param currentEstablished Tcp CurrEstab at the second sample
 */
public record NetMetrics(double outSegmentsPerSecond, double retransmitsPerSecond, double retransmitPercent,
        double attemptFailsPerSecond, double establishedResetsPerSecond, double outResetsPerSecond,
        double inErrorsPerSecond, double listenOverflowsPerSecond, double listenDropsPerSecond,
        double synRetransmitsPerSecond, double timeoutsPerSecond, double backlogDropsPerSecond,
        double abortOnMemoryPerSecond, double pruneCalledPerSecond, long currentEstablished,
        List<Interface> interfaces, List<Softnet> softnet) {

    /** One interface: bytes and drops per second. */
    public record Interface(String name, double rxKbPerSecond, double txKbPerSecond, double rxPacketsPerSecond,
            double txPacketsPerSecond, double rxDropsPerSecond, double txDropsPerSecond, double errorsPerSecond) {
    }

    /** One CPU's packet processing: processed, dropped (backlog full), squeezed (budget ran out). */
    public record Softnet(int cpu, double processedPerSecond, double droppedPerSecond, double squeezedPerSecond) {
    }

    static NetMetrics of(Map<String, Map<String, Long>> snmpA, Map<String, Map<String, Long>> snmpB,
            Map<String, Map<String, Long>> extA, Map<String, Map<String, Long>> extB, List<NetInterface> ifA,
            List<NetInterface> ifB, List<SoftnetStat> snA, List<SoftnetStat> snB, double window) {
        Counters tcp = new Counters(snmpA.getOrDefault("Tcp", Map.of()), snmpB.getOrDefault("Tcp", Map.of()), window);
        Counters ext = new Counters(extA.getOrDefault("TcpExt", Map.of()), extB.getOrDefault("TcpExt", Map.of()), window);
        double out = tcp.rate("OutSegs");
        double retrans = tcp.rate("RetransSegs");
        List<Interface> interfaces = new ArrayList<>();
        for (NetInterface y : ifB) {
            ifA.stream().filter(x -> x.name().equals(y.name())).findFirst().ifPresent(x -> interfaces.add(
                    new Interface(y.name(), Deltas.rate(x.rxBytes(), y.rxBytes(), window) / 1024,
                            Deltas.rate(x.txBytes(), y.txBytes(), window) / 1024,
                            Deltas.rate(x.rxPackets(), y.rxPackets(), window),
                            Deltas.rate(x.txPackets(), y.txPackets(), window),
                            Deltas.rate(x.rxDropped(), y.rxDropped(), window),
                            Deltas.rate(x.txDropped(), y.txDropped(), window),
                            Deltas.rate(x.rxErrors() + x.txErrors(), y.rxErrors() + y.txErrors(), window))));
        }
        List<Softnet> softnet = new ArrayList<>();
        for (SoftnetStat y : snB) {
            snA.stream().filter(x -> x.cpu() == y.cpu()).findFirst().ifPresent(x -> softnet.add(new Softnet(y.cpu(),
                    Deltas.rate(x.processed(), y.processed(), window), Deltas.rate(x.dropped(), y.dropped(), window),
                    Deltas.rate(x.timeSqueeze(), y.timeSqueeze(), window))));
        }
        return new NetMetrics(out, retrans, Deltas.percent(retrans, out), tcp.rate("AttemptFails"),
                tcp.rate("EstabResets"), tcp.rate("OutRsts"), tcp.rate("InErrs"), ext.rate("ListenOverflows"),
                ext.rate("ListenDrops"), ext.rate("TCPSynRetrans"), ext.rate("TCPTimeouts"), ext.rate("TCPBacklogDrop"),
                ext.rate("TCPAbortOnMemory"), ext.rate("PruneCalled"),
                snmpB.getOrDefault("Tcp", Map.of()).getOrDefault("CurrEstab", -1L), interfaces, softnet);
    }

    /** Per-second rates of one protocol's counters. */
    private record Counters(Map<String, Long> a, Map<String, Long> b, double window) {
        double rate(String key) {
            Long x = a.get(key);
            Long y = b.get(key);
            return x == null || y == null ? Double.NaN : Deltas.rate(x, y, window);
        }
    }
}
