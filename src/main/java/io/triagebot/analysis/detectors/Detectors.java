package io.triagebot.analysis.detectors;

import io.triagebot.analysis.Detector;
import java.util.List;

/** The detectors every triage runs, one per named pattern. Stateless: one list serves every analysis. */
public final class Detectors {

    private Detectors() {
    }

    public static List<Detector> standard() {
        return List.of(
                new SwapDeathSpiralDetector(),
                new OomKillDetector(),
                new MemoryPressureDetector(),
                new PageCachePressureDetector(),
                new ThpCompactionStallDetector(),
                new NumaThrashingDetector(),
                new CpuSaturationDetector(),
                new CgroupCpuThrottlingDetector(),
                new ContextSwitchExplosionDetector(),
                new LockConvoyDetector(),
                new InterruptStormDetector(),
                new SoftirqImbalanceDetector(),
                new IoStallDetector(),
                new TcpCollapseDetector(),
                new PidExhaustionDetector(),
                new FdExhaustionDetector(),
                new EphemeralPortExhaustionDetector());
    }
}
