package io.triagebot.triage;

import io.triagebot.analysis.Analyzer;
import io.triagebot.analysis.Report;
import io.triagebot.ops.LogContext;
import io.triagebot.ops.LogContext.Field;
import io.triagebot.probe.Collector;
import io.triagebot.probe.CollectorRun;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.HostName;
import io.triagebot.probe.LocalScriptRunner;
import io.triagebot.probe.RawSnapshot;
import io.triagebot.probe.ScriptRunner;
import io.triagebot.probe.TargetConnector;
import io.triagebot.probe.TargetException;
import io.triagebot.snapshot.Snapshot;
import io.triagebot.snapshot.SnapshotReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core use case: host name in, report out. Adapters (terminal, Slack) call this; it never throws
 * for a host that cannot be reached, it returns a {@link TriageOutcome.Failed} for it, so one bad host
 * never sinks the others.
 */
public final class TriageService implements Triage {

    private static final Logger LOG = LoggerFactory.getLogger(TriageService.class);

    private final Collector collector;
    private final Analyzer analyzer;
    private final TargetConnector remote;
    private final CollectorSettings settings;

    /**
     * @param remote how to reach hosts other than {@code local}; null when only local triage is possible
     */
    public TriageService(Collector collector, Analyzer analyzer, TargetConnector remote, CollectorSettings settings) {
        this.collector = collector;
        this.analyzer = analyzer;
        this.remote = remote;
        this.settings = settings;
    }

    /**
     * Every line logged during the triage, the SSH library's included, carries the host ({@link LogContext}).
     * The outcome is logged at DEBUG only: the adapters report it (the terminal's one line per failure).
     */
    @Override
    public TriageOutcome triage(HostName host) {
        try (LogContext.Scope scope = LogContext.with(Field.HOST, host.value()).open()) {
            ScriptRunner runner = runnerFor(host);
            CollectorRun run = collector.run(runner, settings);
            RawSnapshot raw = collector.assemble(host.value(), run, settings);
            Snapshot snapshot = SnapshotReader.read(raw);
            Report report = analyzer.analyze(snapshot);
            LOG.debug("triage reported {}: {}", report.severity(), report.headline());
            return new TriageOutcome.Reported(host.value(), report, run, snapshot);
        } catch (TargetException e) {
            LOG.debug("triage failed ({}): {}", e.kind(), e.getMessage());
            return new TriageOutcome.Failed(host.value(), e.kind(), e.getMessage());
        }
    }

    /** Triage several hosts, at most {@code parallelism} at a time; outcomes in the order asked. */
    public List<TriageOutcome> triageAll(List<HostName> hosts, int parallelism) {
        if (hosts.size() == 1) {
            return List.of(triage(hosts.get(0)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, hosts.size())));
        try {
            List<Future<TriageOutcome>> futures = new ArrayList<>();
            for (HostName h : hosts) {
                // The caller's log fields (an incident, a user) go with each host's triage.
                futures.add(pool.submit(LogContext.carry(() -> triage(h))));
            }
            List<TriageOutcome> out = new ArrayList<>();
            for (int i = 0; i < hosts.size(); i++) {
                out.add(await(futures.get(i), hosts.get(i)));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static TriageOutcome await(Future<TriageOutcome> f, HostName host) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            return new TriageOutcome.Failed(host.value(), TargetException.Kind.TRANSPORT,
                    host + ": triage failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TriageOutcome.Failed(host.value(), TargetException.Kind.TRANSPORT, host + ": interrupted");
        }
    }

    /** How scripts reach {@code host}: the same way the triage did (SSH, or this machine for "local"). */
    public ScriptRunner runnerFor(HostName host) throws TargetException {
        return host.isLocal() ? new LocalScriptRunner() : connector(host).runnerFor(host);
    }

    private TargetConnector connector(HostName host) throws TargetException {
        if (remote == null) {
            throw new TargetException(TargetException.Kind.CONFIG, host.value(),
                    host + ": no SSH configuration available for remote hosts");
        }
        return remote;
    }
}
