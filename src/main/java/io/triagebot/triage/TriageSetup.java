package io.triagebot.triage;

import io.triagebot.analysis.Analyzer;
import io.triagebot.analysis.Thresholds;
import io.triagebot.analysis.detectors.Detectors;
import io.triagebot.probe.CatalogException;
import io.triagebot.probe.Collector;
import io.triagebot.probe.CollectorSettings;
import io.triagebot.probe.ProbeCatalog;
import io.triagebot.probe.ProbeCatalogLoader;
import io.triagebot.probe.TargetConnector;
import io.triagebot.ssh.SshConfigException;
import io.triagebot.ssh.SshTargetConnector;
import io.triagebot.yaml.YamlException;
import java.nio.file.Path;

/**
 * Builds a {@link TriageService} from the files a deployment points at: probe catalog, thresholds, SSH
 * client config. Both adapters (command line and Slack) start here, so they triage identically.
 */
public final class TriageSetup {

    private TriageSetup() {
    }

    /**
     * @param commands catalog directory, or null for the built-in catalog
     * @param thresholdOverrides site overrides, or null
     * @param sshConfig OpenSSH client config, or null for ~/.ssh/config
     * @param needsRemote false when only {@code local} will be triaged (no SSH config is read)
     * @throws SetupException naming the file and line of the problem
     */
    public static TriageService build(Path commands, Path thresholdOverrides, Path sshConfig, boolean needsRemote,
            CollectorSettings settings) throws SetupException {
        try {
            ProbeCatalog catalog = commands == null ? ProbeCatalogLoader.loadBuiltIn() : ProbeCatalogLoader.load(commands);
            Thresholds thresholds = Thresholds.builtIn();
            if (thresholdOverrides != null) {
                thresholds = thresholds.withOverrides(thresholdOverrides);
            }
            TargetConnector remote = needsRemote ? SshTargetConnector.fromConfigPath(sshConfig) : null;
            return new TriageService(new Collector(catalog), new Analyzer(Detectors.standard(), thresholds), remote,
                    settings);
        } catch (CatalogException | YamlException | SshConfigException e) {
            throw new SetupException(e.getMessage(), e);
        }
    }

    /** A configuration file needed for triage is unusable. */
    public static final class SetupException extends Exception {
        public SetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
