package io.triagebot.testsupport;

import io.triagebot.analysis.Analyzer;
import io.triagebot.analysis.Thresholds;
import io.triagebot.analysis.detectors.Detectors;
import io.triagebot.probe.Collector;
import io.triagebot.probe.CollectorRunFile;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.HostName;
import io.triagebot.probe.ProbeCatalogLoader;
import io.triagebot.probe.RawSnapshot;
import io.triagebot.probe.RunLimits;
import io.triagebot.snapshot.Snapshot;
import io.triagebot.snapshot.SnapshotReader;
import io.triagebot.triage.Triage;
import io.triagebot.triage.TriageOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host that was in trouble when first triaged and is triaged live afterwards: the first triage of
 * {@code host} replays a collector run the lab recorded under a real condition on this machine (see the
 * fixture's header for how), every later triage goes to the real triage over SSH. This is how an
 * end-to-end test gets findings that suggest a runbook without inducing the condition for a minute, and
 * still verifies the action against the live host.
 */
public final class RecordedCondition implements Triage {

    private final String host;
    private final TriageOutcome.Reported recorded;
    private final Triage live;
    private final int recordedTriages;
    private final AtomicInteger served = new AtomicInteger();

    /**
     * @param recordedTriages how many triages of {@code host} replay the recording before going live
     */
    public RecordedCondition(String fixture, String host, Triage live, int recordedTriages) throws Exception {
        this.host = host;
        this.live = live;
        this.recordedTriages = recordedTriages;
        Path run = Path.of("src", "test", "resources", "fixtures", fixture, "local.run");
        CollectorRunFile.Loaded loaded = CollectorRunFile.read(run);
        Map<String, String> header = loaded.header();
        Duration window = Duration.ofMillis(Math.round(Double.parseDouble(header.getOrDefault("window-seconds", "1"))
                * 1000));
        CollectorSettings settings = new CollectorSettings(window, window.plusSeconds(10),
                RunLimits.DEFAULT_MAX_OUTPUT_BYTES);
        RawSnapshot raw = new Collector(ProbeCatalogLoader.loadBuiltIn()).assemble(host, loaded.run(), settings);
        Snapshot snapshot = SnapshotReader.read(raw);
        this.recorded = new TriageOutcome.Reported(host, new Analyzer(Detectors.standard(), Thresholds.builtIn())
                .analyze(snapshot), loaded.run(), snapshot);
    }

    /** The report the recording gives (what the first triage shows). */
    public TriageOutcome.Reported recorded() {
        return recorded;
    }

    @Override
    public TriageOutcome triage(HostName h) {
        if (h.value().equals(host) && served.getAndIncrement() < recordedTriages) {
            return recorded;
        }
        return live.triage(h);
    }
}
