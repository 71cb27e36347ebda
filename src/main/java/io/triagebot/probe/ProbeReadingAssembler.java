package io.triagebot.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Matches the collector's stream to the catalog: for each probe, what it read in each sample, or a
 * plain-words reason why not. Never throws on odd input: anything missing becomes a reason.
 */
final class ProbeReadingAssembler {

    private final ProbeCatalog catalog;

    ProbeReadingAssembler(ProbeCatalog catalog) {
        this.catalog = catalog;
    }

    Map<String, ProbeReading> assemble(CollectorOutput output) {
        Map<String, ProbeReading> readings = new LinkedHashMap<>();
        for (ProbeDefinition probe : catalog.probes()) {
            readings.put(probe.id(), probe.isCommand() ? command(probe, output) : files(probe, output));
        }
        return readings;
    }

    private ProbeReading files(ProbeDefinition probe, CollectorOutput output) {
        List<Pattern> patterns = probe.files().stream().map(ProbeReadingAssembler::globRegex).toList();
        List<Map<String, List<String>>> samples = new ArrayList<>();
        boolean truncated = false;
        int needed = probe.isCounter() ? 2 : 1;
        for (int index = 1; index <= needed; index++) {
            CollectorOutput.Sample sample = output.sample(index);
            if (sample == null) {
                return new ProbeReading(probe.id(), samples, missingSample(index), truncated);
            }
            Map<String, List<String>> good = new TreeMap<>();
            CollectorOutput.FileRead firstError = null;
            boolean interrupted = false;
            for (CollectorOutput.FileRead read : sample.files().values()) {
                if (patterns.stream().noneMatch(p -> p.matcher(read.path()).matches())) {
                    continue;
                }
                if (read.error() != null) {
                    firstError = firstError == null ? read : firstError;
                } else if (read.interrupted()) {
                    interrupted = true;
                } else {
                    List<String> lines = read.lines();
                    if (lines.size() >= probe.maxLines()) {
                        lines = lines.subList(0, probe.maxLines());
                        truncated = true;
                    }
                    good.put(read.path(), lines);
                }
            }
            if (good.isEmpty()) {
                String reason;
                CollectorOutput.Stuck stuck = output.stuck().stream()
                        .filter(st -> st.probe().equals(probe.id()) && st.sample() == sampleIndex(sample)).findFirst()
                        .orElse(null);
                if (stuck != null) {
                    reason = stuck.skipped()
                            ? "not started: its read from an earlier triage (pid " + stuck.pid() + ") is still stuck on the host"
                            : "its read was stuck on the host (pid " + stuck.pid()
                                    + ("D".equals(stuck.state()) ? ", state D" : "") + ") and was stopped"
                                    + (stuck.path().isEmpty() ? "" : ": " + stuck.path());
                } else if (firstError != null) {
                    reason = describeFileError(probe, firstError);
                } else if (interrupted || !sample.batchFinished()) {
                    reason = "not read before the deadline (a read hung or the host is very slow)";
                } else {
                    reason = "no output for " + String.join(", ", probe.files());
                }
                return new ProbeReading(probe.id(), samples, reason, truncated);
            }
            samples.add(good);
        }
        return new ProbeReading(probe.id(), samples, null, truncated);
    }

    private ProbeReading command(ProbeDefinition probe, CollectorOutput output) {
        List<Map<String, List<String>>> samples = new ArrayList<>();
        boolean truncated = false;
        int needed = probe.isCounter() ? 2 : 1;
        for (int index = 1; index <= needed; index++) {
            CollectorOutput.Sample sample = output.sample(index);
            if (sample == null) {
                return new ProbeReading(probe.id(), samples, missingSample(index), truncated);
            }
            List<CollectorOutput.CommandAttempt> attempts = sample.attempts().stream()
                    .filter(a -> a.probe().equals(probe.id())).toList();
            CollectorOutput.CommandAttempt success = attempts.stream()
                    .filter(a -> a.exitCode() != null && probe.okExitCodes().contains(a.exitCode()))
                    .reduce((a, b) -> b).orElse(null);
            if (success == null && !attempts.isEmpty()) {
                // head closing the pipe early kills the command with SIGPIPE (141): it was cut, not failed.
                CollectorOutput.CommandAttempt last = attempts.get(attempts.size() - 1);
                if (last.exitCode() != null && last.exitCode() == 141 && last.lines().size() >= probe.maxLines()) {
                    success = last;
                }
            }
            if (success == null) {
                return new ProbeReading(probe.id(), samples, describeAttempts(probe, attempts, sample), truncated);
            }
            List<String> lines = success.lines();
            if (lines.size() >= probe.maxLines()) {
                lines = lines.subList(0, probe.maxLines());
                truncated = true;
            }
            samples.add(Map.of(probe.id(), lines));
        }
        return new ProbeReading(probe.id(), samples, null, truncated);
    }

    private static int sampleIndex(CollectorOutput.Sample sample) {
        return sample.index();
    }

    private static String missingSample(int index) {
        return index == 1
                ? "not read: the collector produced no sample (see the run notes)"
                : "second sample not taken before the deadline; a counter needs two";
    }

    private static String describeFileError(ProbeDefinition probe, CollectorOutput.FileRead read) {
        String error = read.error();
        String what;
        if (error.contains("No such file")) {
            what = CollectorScript.isGlob(read.path()) ? "no file matches " + read.path() : "not present: " + read.path();
        } else if (error.contains("Permission denied")) {
            what = "permission denied: " + read.path();
        } else {
            what = read.path() + ": " + error.toLowerCase(java.util.Locale.ROOT);
        }
        String needs = probe.requires().describe();
        return needs.isEmpty() ? what : what + " (" + needs + ")";
    }

    private static String describeAttempts(ProbeDefinition probe, List<CollectorOutput.CommandAttempt> attempts,
            CollectorOutput.Sample sample) {
        if (attempts.isEmpty()) {
            return "not run before the deadline";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < attempts.size(); i++) {
            CollectorOutput.CommandAttempt a = attempts.get(i);
            String program = i < probe.commands().size() ? probe.commands().get(i).get(0) : probe.id();
            String firstLine = a.lines().isEmpty() ? "" : a.lines().get(0).strip();
            if (firstLine.length() > 200) {
                firstLine = firstLine.substring(0, 200) + "...";
            }
            String part;
            if (a.exitCode() == null) {
                part = program + " did not finish before the deadline";
            } else if (a.exitCode() == 124 || a.exitCode() == 137) {
                part = program + " timed out" + (probe.timeoutSeconds() > 0 ? " after " + probe.timeoutSeconds() + " s" : "");
            } else if (a.exitCode() == 127) {
                part = program + ": command not found";
            } else {
                part = program + " failed (exit " + a.exitCode() + ")" + (firstLine.isEmpty() ? "" : ": " + firstLine);
            }
            parts.add(part);
        }
        String needs = probe.requires().describe();
        return String.join("; then ", parts) + (needs.isEmpty() ? "" : " (" + needs + ")");
    }

    /**
     * A glob as sh expands it: '*' and '?' never cross '/', brackets are character classes; and "**\/"
     * as find walks it: any number of directories.
     */
    static Pattern globRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (glob.startsWith("**/", i)) {
                re.append("(?:[^/]+/)*");
                i += 2;
                continue;
            }
            switch (c) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String cls = glob.substring(i + 1, close).replace("\\", "\\\\");
                        re.append('[').append(cls.startsWith("!") ? "^" + cls.substring(1) : cls).append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
