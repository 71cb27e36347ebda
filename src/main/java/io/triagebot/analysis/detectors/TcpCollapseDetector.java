package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.metrics.Metrics;
import io.triagebot.analysis.metrics.NetMetrics;
import io.triagebot.snapshot.ListenSocket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The TCP stack breaking down under load, as two findings: a listener whose accept queue overflows
 * (ListenOverflows in the window; the listening socket with a backed-up accept queue names the port),
 * and retransmissions (RetransSegs over OutSegs) with retransmission timeouts. Counters rising in the
 * window confirm; absolute counts alone do not.
 */
public final class TcpCollapseDetector implements Detector {

    public static final String PATTERN = "tcp-collapse";

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        NetMetrics net = context.metrics().net();
        if (net == null) {
            return List.of();
        }
        Limits lim = new Limits(context, PATTERN);
        List<Finding> out = new ArrayList<>();
        Finding overflow = overflow(context, lim, net);
        if (overflow != null) {
            out.add(overflow);
        }
        Finding retrans = retransmits(context, lim, net);
        if (retrans != null) {
            out.add(retrans);
        }
        Finding memory = memory(context, lim, net);
        if (memory != null) {
            out.add(memory);
        }
        return out;
    }

    private static Finding overflow(AnalysisContext context, Limits lim, NetMetrics net) {
        double overflows = net.listenOverflowsPerSecond();
        double drops = net.listenDropsPerSecond();
        ListenSocket port = backedUp(context);
        Grade g = new Grade();
        g.meet(Severity.MEDIUM, Grade.above(overflows, lim.v("pmie-listen-overflows-per-second")));
        g.meet(Severity.HIGH, Grade.above(overflows, lim.v("warn-listen-overflows-per-second")));
        g.meet(Severity.CRITICAL, Grade.above(overflows, lim.v("critical-listen-overflows-per-second")));
        if (!g.any()) {
            return null;
        }
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(true);
        String where = port == null ? "a listener" : "port " + port.port();
        f.title("Accept queue overflowing on " + where + ": " + FindingBuilder.rate(overflows, "connections") + " refused");
        f.impact(FindingBuilder.rate(overflows, "listen overflows") + ", " + FindingBuilder.rate(drops, "SYNs") + " dropped at listeners"
                + (port == null ? "" : "; " + port.address() + ":" + port.port() + " has " + port.acceptQueue()
                        + " connections waiting to be accepted"));
        f.culprit(port == null ? null : "port " + port.port());
        f.fact("TcpExt ListenOverflows " + Format.count(overflows) + "/s, ListenDrops " + Format.count(drops) + "/s",
                f.window("/proc/net/netstat"));
        List<ListenSocket> queued = queued(context);
        for (ListenSocket s : queued.stream().limit(3).toList()) {
            f.fact("listener " + s.address() + ":" + s.port() + (s.ipv6() ? " (IPv6)" : "") + " accept queue " + s.acceptQueue(),
                    FindingBuilder.once(s.ipv6() ? "/proc/net/tcp6 rx_queue" : "/proc/net/tcp rx_queue"));
        }
        if (port == null) {
            f.note("no listening socket had connections waiting when read: the port cannot be named from this sample");
        }
        sysctl(f, context, "net/core/somaxconn");
        sysctl(f, context, "net/ipv4/tcp_max_syn_backlog");
        f.crossed(Format.count(overflows) + " overflows/s", lim,
                overflows >= lim.v("critical-listen-overflows-per-second") ? "critical-listen-overflows-per-second"
                        : overflows >= lim.v("warn-listen-overflows-per-second") ? "warn-listen-overflows-per-second"
                                : "pmie-listen-overflows-per-second");
        f.note("confirmed: the overflow counter rose within the window; the application is not calling accept() fast enough");

        f.command("nstat -az TcpExtListenOverflows TcpExtListenDrops");
        if (port != null) {
            f.command("ss -ltn 'sport = :" + port.port() + "'");
            f.command("ss -ltnp 'sport = :" + port.port() + "'");
        } else {
            f.command("ss -ltn");
        }
        f.command("sysctl net.core.somaxconn net.ipv4.tcp_max_syn_backlog");
        backlog(f, context, lim);
        f.longTerm("Make the application accept faster (more acceptor threads, no blocking work on the accept path) and "
                + "listen() with a larger backlog; raised sysctls only apply to sockets created after the change (restart the app).");
        return f.build();
    }

    private static Finding retransmits(AnalysisContext context, Limits lim, NetMetrics net) {
        double percent = net.retransmitPercent();
        double retrans = net.retransmitsPerSecond();
        double out = net.outSegmentsPerSecond();
        if (!(out >= lim.v("min-out-segments-per-second")) || !(retrans >= lim.v("min-retransmits-per-second"))) {
            return null;
        }
        Grade g = new Grade();
        g.meet(Severity.HIGH, Grade.above(percent, lim.v("warn-retransmit-percent")));
        g.meet(Severity.CRITICAL, Grade.above(percent, lim.v("critical-retransmit-percent")));
        if (!g.any()) {
            return null;
        }
        double timeouts = net.timeoutsPerSecond();
        boolean confirmed = timeouts > 0;
        ListenSocket port = backedUp(context);
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(confirmed);
        f.title("TCP retransmitting " + Format.percent(percent) + " of segments" + (port == null ? "" : " (port " + port.port()
                + " has a backed-up accept queue)"));
        f.impact(FindingBuilder.rate(retrans, "retransmits") + " of " + FindingBuilder.rate(out, "segments") + " sent ("
                + Format.percent(percent) + "), retransmission timeouts " + Format.count(timeouts) + "/s, SYN retransmits "
                + Format.count(net.synRetransmitsPerSecond()) + "/s");
        f.culprit(port == null ? null : "port " + port.port());
        f.fact("Tcp RetransSegs " + Format.count(retrans) + "/s, OutSegs " + Format.count(out) + "/s, ratio " + Format.percent(percent),
                f.window("/proc/net/snmp"));
        f.fact("TcpExt TCPTimeouts " + Format.count(timeouts) + "/s, TCPSynRetrans " + Format.count(net.synRetransmitsPerSecond())
                + "/s", f.window("/proc/net/netstat"));
        f.fact("Tcp AttemptFails " + Format.count(net.attemptFailsPerSecond()) + "/s, EstabResets "
                + Format.count(net.establishedResetsPerSecond()) + "/s, OutRsts " + Format.count(net.outResetsPerSecond())
                + "/s, InErrs " + Format.count(net.inErrorsPerSecond()) + "/s, CurrEstab " + net.currentEstablished(),
                f.window("/proc/net/snmp"));
        for (NetMetrics.Interface i : net.interfaces()) {
            if (i.rxDropsPerSecond() > 0 || i.txDropsPerSecond() > 0 || i.errorsPerSecond() > 0) {
                f.fact(i.name() + " drops rx " + Format.count(i.rxDropsPerSecond()) + "/s, tx " + Format.count(i.txDropsPerSecond())
                        + "/s, errors " + Format.count(i.errorsPerSecond()) + "/s", f.window("/proc/net/dev"));
            }
        }
        sysctl(f, context, "net/ipv4/tcp_congestion_control");
        f.crossed("retransmit ratio " + Format.percent(percent), lim,
                percent >= lim.v("critical-retransmit-percent") ? "critical-retransmit-percent" : "warn-retransmit-percent");
        if (confirmed) {
            f.note("confirmed: retransmission timeouts rose in the window along with the ratio");
        } else {
            f.note("not confirmed: no retransmission timeouts in the window (fast retransmits alone recover quickly)");
        }
        f.command("nstat -az TcpRetransSegs TcpOutSegs TcpExtTCPTimeouts TcpExtTCPSynRetrans");
        f.command("bpftrace -e 'tracepoint:tcp:tcp_retransmit_skb { @[ntop(args->daddr), args->dport, args->sport] = count(); } interval:s:5 { exit(); }'");
        f.command("ss -tin state established | grep -E 'retrans|rto' | head -20");
        f.command("nft list ruleset | grep -iE 'drop|reject|limit'");
        f.command("tc -s qdisc show");
        f.command("ip -s link");
        String cc = context.snapshot().gauges().sysctls().get("net/ipv4/tcp_congestion_control");
        if (cc != null && !cc.equals("bbr")) {
            f.runbook("congestion-control", "loss-based " + cc + " halves its window on every loss; BBR paces by measured bandwidth "
                    + "(needs the tcp_bbr module; affects new connections; rollback " + cc + ")", "algorithm", "bbr");
        }
        f.longTerm("Find where packets are lost (the retransmit trace names the peer and port; check NIC drops, qdisc drops, "
                + "firewall rules and the path) and fix that; tune buffers and congestion control only after.");
        return f.build();
    }

    /** TCP running out of socket memory: aborts on memory and receive-queue pruning. */
    private static Finding memory(AnalysisContext context, Limits lim, NetMetrics net) {
        double aborts = net.abortOnMemoryPerSecond();
        double prunes = net.pruneCalledPerSecond();
        Grade g = new Grade();
        g.meet(Severity.HIGH, Grade.above(aborts, lim.v("abort-on-memory-per-second")));
        g.meet(Severity.MEDIUM, Grade.above(prunes, lim.v("prune-called-per-second")));
        if (!g.any()) {
            return null;
        }
        FindingBuilder f = new FindingBuilder(PATTERN, context).grade(g).confirmed(true);
        f.title("TCP short of socket memory: " + Format.count(aborts) + " connections/s aborted, receive queues pruned "
                + Format.count(prunes) + " times/s");
        f.impact("TCPAbortOnMemory " + Format.count(aborts) + "/s, PruneCalled " + Format.count(prunes) + "/s");
        f.fact("TcpExt TCPAbortOnMemory " + Format.count(aborts) + "/s, PruneCalled " + Format.count(prunes) + "/s",
                f.window("/proc/net/netstat"));
        Map<String, Long> tcp = context.snapshot().gauges().sockstat().get("TCP");
        if (tcp != null && tcp.containsKey("mem")) {
            f.fact("TCP sockets use " + tcp.get("mem") + " pages", FindingBuilder.once("/proc/net/sockstat"));
        }
        sysctl(f, context, "net/ipv4/tcp_mem");
        f.crossed(aborts > 0 ? Format.count(aborts) + " aborts/s" : Format.count(prunes) + " prunes/s", lim,
                aborts > 0 ? "abort-on-memory-per-second" : "prune-called-per-second");
        f.command("cat /proc/net/sockstat");
        f.command("sysctl net.ipv4.tcp_mem net.ipv4.tcp_rmem net.ipv4.tcp_wmem");
        f.command("nstat -az TcpExtTCPAbortOnMemory TcpExtPruneCalled TcpExtTCPRcvQDrop");
        String max = FindingBuilder.whole(lim.v("suggested-buffer-max-bytes"));
        f.runbook("tcp-buffers", "let busy sockets grow their buffers instead of pruning (rollback: the old tcp_rmem/tcp_wmem)",
                "rmem", "4096 131072 " + max, "wmem", "4096 16384 " + max);
        f.longTerm("Size net.ipv4.tcp_mem to the connection count and make slow readers drain their sockets.");
        return f.build();
    }

    /** The listener with the longest accept queue right now, or null when none is backed up. */
    private static ListenSocket backedUp(AnalysisContext context) {
        return queued(context).stream().findFirst().orElse(null);
    }

    private static List<ListenSocket> queued(AnalysisContext context) {
        List<ListenSocket> sockets = context.snapshot().gauges().listenSockets();
        if (sockets == null) {
            return List.of();
        }
        return sockets.stream().filter(s -> s.acceptQueue() > 0)
                .sorted(Comparator.comparingLong(ListenSocket::acceptQueue).reversed()).toList();
    }

    private static void sysctl(FindingBuilder f, AnalysisContext context, String name) {
        String v = context.snapshot().gauges().sysctls().get(name);
        if (v != null) {
            f.fact(name.replace('/', '.') + " = " + v, FindingBuilder.once("/proc/sys/" + name));
        }
    }

    private static void backlog(FindingBuilder f, AnalysisContext context, Limits lim) {
        Map<String, String> sysctls = context.snapshot().gauges().sysctls();
        long somaxconn = SwapDeathSpiralDetector.parse(sysctls.get("net/core/somaxconn"));
        long synBacklog = SwapDeathSpiralDetector.parse(sysctls.get("net/ipv4/tcp_max_syn_backlog"));
        double suggested = lim.v("suggested-somaxconn");
        long next = somaxconn < 0 ? (long) suggested : Math.max((long) suggested, somaxconn * 2);
        f.runbook("somaxconn", "allow longer accept queues" + (somaxconn < 0 ? "" : " (currently " + somaxconn + "; rollback to it)")
                + "; only listen() calls made afterwards get it: restart the application", "value", Long.toString(next));
        double suggestedSyn = lim.v("suggested-tcp-max-syn-backlog");
        long nextSyn = synBacklog < 0 ? (long) suggestedSyn : Math.max((long) suggestedSyn, synBacklog * 2);
        f.runbook("tcp-max-syn-backlog", "hold more half-open connections while the application catches up"
                + (synBacklog < 0 ? "" : " (currently " + synBacklog + "; rollback to it)"), "value", Long.toString(nextSyn));
    }
}
