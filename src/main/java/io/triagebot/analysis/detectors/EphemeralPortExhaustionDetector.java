package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Detector;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.Severity;
import io.triagebot.snapshot.SoftwareResources;
import io.triagebot.snapshot.SoftwareResources.TcpSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Local ports (USE software resources): an outgoing connection needs a local port of
 * net.ipv4.ip_local_port_range that is free for its destination, so the sockets using ports of the range
 * are counted per destination (address and port) against the range's size, TIME_WAIT apart.
 */
public final class EphemeralPortExhaustionDetector implements Detector {

    public static final String PATTERN = "ephemeral-port-exhaustion";

    @Override
    public String pattern() {
        return PATTERN;
    }

    @Override
    public List<Finding> detect(AnalysisContext context) {
        String range = context.snapshot().gauges().sysctls().get("net/ipv4/ip_local_port_range");
        SoftwareResources sw = context.snapshot().gauges().software();
        if (range == null || sw.tcpSockets().isEmpty()) {
            return List.of();
        }
        String[] r = range.strip().split("\\s+");
        int low;
        int high;
        try {
            low = Integer.parseInt(r[0]);
            high = Integer.parseInt(r[1]);
        } catch (RuntimeException e) {
            return List.of();
        }
        int size = high - low + 1;
        if (size <= 0) {
            return List.of();
        }
        Map<String, int[]> byPeer = new HashMap<>();
        for (TcpSocket s : sw.tcpSockets()) {
            if (s.localPort() >= low && s.localPort() <= high) {
                int[] c = byPeer.computeIfAbsent(s.peer(), k -> new int[2]);
                c[0]++;
                if (s.timeWait()) {
                    c[1]++;
                }
            }
        }
        Limits lim = new Limits(context, PATTERN);
        List<Finding> out = new ArrayList<>();
        byPeer.entrySet().stream().sorted((a, b) -> b.getValue()[0] - a.getValue()[0]).limit(3).forEach(e -> {
            double percent = 100.0 * e.getValue()[0] / size;
            Grade g = new Grade();
            g.meet(Severity.HIGH, Grade.above(percent, lim.v("warn-used-percent")));
            g.meet(Severity.CRITICAL, Grade.above(percent, lim.v("critical-used-percent")));
            if (!g.any()) {
                return;
            }
            int used = e.getValue()[0];
            int tw = e.getValue()[1];
            FindingBuilder b = new FindingBuilder(PATTERN, context).grade(g).confirmed(used >= size)
                    .culprit(e.getKey())
                    .title("Local ports to " + e.getKey() + " nearly exhausted: " + Format.count(used) + " of "
                            + Format.count(size) + " in ip_local_port_range " + low + "-" + high)
                    .impact(Format.percent(percent) + " of the ephemeral range in use towards one destination ("
                            + Format.count(tw) + " in TIME_WAIT); connect() fails with EADDRNOTAVAIL at 100%")
                    .fact("sockets from ports " + low + "-" + high + " to " + e.getKey() + ": " + Format.count(used)
                            + ", of which TIME_WAIT " + Format.count(tw), FindingBuilder.once("/proc/net/tcp, /proc/net/tcp6"))
                    .fact("net.ipv4.ip_local_port_range " + low + " " + high + " (" + Format.count(size) + " ports)",
                            FindingBuilder.once("/proc/sys/net/ipv4/ip_local_port_range"))
                    .crossed(Format.percent(percent) + " of the range", lim,
                            percent >= lim.v("critical-used-percent") ? "critical-used-percent" : "warn-used-percent")
                    .command("ss -tan state time-wait | awk 'NR>1 {print $4}' | sort | uniq -c | sort -rn | head")
                    .command("ss -s")
                    .longTerm("Reuse connections (pooling, keep-alive) instead of one per request; spread load over"
                            + " more destination addresses or ports; widen ip_local_port_range; net.ipv4.tcp_tw_reuse=1"
                            + " lets outgoing connections reuse TIME_WAIT ports safely (timestamps on).");
            if (tw * 2 >= used) {
                b.note("most of these ports are in TIME_WAIT: short-lived connections closed by this host");
            }
            if (sw.tcpSocketsTruncated()) {
                b.note("the socket tables reached the probe's line cap: counts are lower bounds");
            }
            // No runbook: the range is two numbers in one sysctl, which the runbook capture types cannot
            // restore yet; the long-term fix says how to widen it by hand.
            out.add(b.build());
        });
        return out;
    }
}
