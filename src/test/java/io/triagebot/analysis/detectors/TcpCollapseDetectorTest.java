package io.triagebot.analysis.detectors;

import static io.triagebot.analysis.detectors.Check.evidence;
import static io.triagebot.analysis.detectors.Check.is;
import static io.triagebot.analysis.detectors.Check.none;
import static io.triagebot.analysis.detectors.Check.one;
import static io.triagebot.analysis.detectors.Check.runbook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Status;
import io.triagebot.testsupport.SyntheticHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** tcp-collapse over synthetic unit hosts (1 s window; idle() sends 50 segments/s, somaxconn 4096, cubic). */
class TcpCollapseDetectorTest {

    private final TcpCollapseDetector detector = new TcpCollapseDetector();

    @Test
    void idleHostHasNothing() {
        none(detector, SyntheticHost.idle(2));
    }

    @Test
    void aNeverAcceptingListenerIsCriticalAndNamesItsPort() {
        SyntheticHost h = SyntheticHost.idle(2).tcpExt("ListenOverflows", 1000, 1200).tcpExt("ListenDrops", 1000, 1200)
                .listener("127.0.0.1", 29472, 2);
        Finding f = one(detector, h);
        is(f, Severity.CRITICAL, Status.CONFIRMED);
        assertEquals("Accept queue overflowing on port 29472: 200 connections/s refused", f.title());
        assertEquals("port 29472", f.culprit());
        evidence(f, "TcpExt ListenOverflows 200/s, ListenDrops 200/s [/proc/net/netstat, 1.00 s window]");
        evidence(f, "listener 127.0.0.1:29472 accept queue 2 [/proc/net/tcp rx_queue, read once]");
        Check.command(f, "ss -ltn 'sport = :29472'");
        Check.command(f, "nstat -az TcpExtListenOverflows");
        assertEquals(Map.of("value", "8192"), runbook(f, "somaxconn").parameters());
        assertEquals(Map.of("value", "4096"), runbook(f, "tcp-max-syn-backlog").parameters());
    }

    @Test
    void overflowLevelsFollowPmieAndNetdata() {
        is(one(detector, SyntheticHost.idle(2).window(2).tcpExt("ListenOverflows", 10, 11)), Severity.MEDIUM, Status.CONFIRMED);
        is(one(detector, SyntheticHost.idle(2).tcpExt("ListenOverflows", 10, 13)), Severity.HIGH, Status.CONFIRMED);
        Finding unnamed = one(detector, SyntheticHost.idle(2).tcpExt("ListenOverflows", 10, 13));
        assertTrue(unnamed.title().contains("on a listener"), unnamed.title());
        evidence(unnamed, "the port cannot be named");
    }

    @Test
    void retransmitsWithTimeoutsAreConfirmed() {
        SyntheticHost h = SyntheticHost.idle(2).tcp("OutSegs", 0, 10_000).tcp("RetransSegs", 0, 300).tcpExt("TCPTimeouts", 0, 12);
        Finding f = one(detector, h);
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals("TCP retransmitting 3.0% of segments", f.title());
        assertEquals(3.0, f.score(), 0.01);
        assertEquals(Map.of("algorithm", "bbr"), runbook(f, "congestion-control").parameters());
        Check.command(f, "tracepoint:tcp:tcp_retransmit_skb");
    }

    @Test
    void aHighRatioWithoutTimeoutsIsAHypothesis() {
        Finding f = one(detector, SyntheticHost.idle(2).tcp("OutSegs", 0, 10_000).tcp("RetransSegs", 0, 800));
        is(f, Severity.CRITICAL, Status.HYPOTHESIS);
    }

    @Test
    void aFewRetransmitsOnAQuietHostMeanNothing() {
        none(detector, SyntheticHost.idle(2).tcp("OutSegs", 0, 60).tcp("RetransSegs", 0, 4));
    }

    @Test
    void overflowAndRetransmitsAreTwoFindings() {
        SyntheticHost h = SyntheticHost.idle(2).tcpExt("ListenOverflows", 0, 200).listener("127.0.0.1", 8080, 129)
                .tcp("OutSegs", 0, 5_000).tcp("RetransSegs", 0, 300).tcpExt("TCPSynRetrans", 0, 200);
        List<Finding> f = Check.run(detector, h);
        assertEquals(2, f.size());
        assertTrue(f.get(1).title().contains("port 8080 has a backed-up accept queue"), f.get(1).title());
    }

    @Test
    void socketMemoryExhaustionSuggestsBuffers() {
        Finding f = one(detector, SyntheticHost.idle(2).tcpExt("TCPAbortOnMemory", 0, 5).tcpExt("PruneCalled", 0, 40));
        is(f, Severity.HIGH, Status.CONFIRMED);
        assertEquals(Map.of("rmem", "4096 131072 16777216", "wmem", "4096 16384 16777216"), runbook(f, "tcp-buffers").parameters());
    }

    @Test
    void withoutNetworkCountersThereIsNothing() {
        none(detector, SyntheticHost.idle(2).tcpExt("ListenOverflows", 0, 200).missingFile("/proc/net/netstat", "Permission denied")
                .missingFile("/proc/net/snmp", "Permission denied"));
    }
}
