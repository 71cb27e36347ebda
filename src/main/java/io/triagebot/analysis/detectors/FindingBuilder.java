package io.triagebot.analysis.detectors;

import io.triagebot.analysis.AnalysisContext;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Format;
import io.triagebot.analysis.RunbookSuggestion;
import io.triagebot.analysis.Severity;
import io.triagebot.analysis.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Assembles one {@link Finding}: evidence with its sources, commands, runbooks. One per finding. */
final class FindingBuilder {

    private final String pattern;
    private final AnalysisContext context;
    private Severity severity = Severity.LOW;
    private Status status = Status.HYPOTHESIS;
    private String title;
    private String impact;
    private final List<String> evidence = new ArrayList<>();
    private final List<String> commands = new ArrayList<>();
    private final List<RunbookSuggestion> runbooks = new ArrayList<>();
    private String longTermFix;
    private String culprit;
    private double score = 1;

    FindingBuilder(String pattern, AnalysisContext context) {
        this.pattern = pattern;
        this.context = context;
    }

    FindingBuilder grade(Grade g) {
        this.severity = g.severity();
        this.score = g.score();
        return this;
    }

    FindingBuilder severity(Severity s) {
        this.severity = s;
        return this;
    }

    FindingBuilder score(double s) {
        this.score = s;
        return this;
    }

    FindingBuilder confirmed(boolean confirmed) {
        this.status = confirmed ? Status.CONFIRMED : Status.HYPOTHESIS;
        return this;
    }

    FindingBuilder title(String t) {
        this.title = t;
        return this;
    }

    FindingBuilder impact(String i) {
        this.impact = i;
        return this;
    }

    FindingBuilder culprit(String c) {
        this.culprit = c;
        return this;
    }

    FindingBuilder longTerm(String fix) {
        this.longTermFix = fix;
        return this;
    }

    /** A measured fact and where it came from: "pswpin 4,200 pages/s [/proc/vmstat, 1.00 s window]". */
    FindingBuilder fact(String text, String source) {
        evidence.add(text + " [" + source + "]");
        return this;
    }

    /** A plain statement (a reasoning step or what could not be read). */
    FindingBuilder note(String text) {
        evidence.add(text);
        return this;
    }

    /** "threshold crossed: <what> (<key> = value, source)". */
    FindingBuilder crossed(String what, Limits limits, String key) {
        evidence.add("threshold crossed: " + what + " [" + limits.cite(key) + "]");
        return this;
    }

    FindingBuilder command(String c) {
        if (!commands.contains(c)) {
            commands.add(c);
        }
        return this;
    }

    /**
     * Parameters as alternating name, value; a runbook with a null value is left out, never invented.
     * Nothing is ever suggested against PID 1 or the kernel (PID 0): renicing or OOM-scoring init is
     * never a stabilisation step, whatever the process table says.
     */
    FindingBuilder runbook(String id, String reason, String... nameValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            String value = nameValues[i + 1];
            if (value == null || ("pid".equals(nameValues[i]) && (value.equals("0") || value.equals("1")))) {
                return this;
            }
            params.put(nameValues[i], value);
        }
        runbooks.add(new RunbookSuggestion(id, params, reason));
        return this;
    }

    /** The sample source of a counter: "[/proc/vmstat, 1.00 s window]" without brackets. */
    String window(String file) {
        double w = context.metrics().windowSeconds();
        return Grade.known(w) ? file + ", " + String.format(Locale.ROOT, "%.2f", w) + " s window" : file + ", one sample only";
    }

    /** The source of a gauge, read once. */
    static String once(String file) {
        return file + ", read once";
    }

    Finding build() {
        if (title == null || impact == null) {
            throw new IllegalStateException(pattern + ": a finding needs a title and an impact");
        }
        return new Finding(pattern, severity, status, title, impact, evidence, commands, runbooks, longTermFix,
                culprit, Grade.known(score) ? score : 1);
    }

    /** A runbook parameter: a whole number without thousands separators ("16777216", "-500"). */
    static String whole(double v) {
        return Long.toString(Math.round(v));
    }

    static String rate(double perSecond, String unit) {
        return Format.count(perSecond) + " " + unit + "/s";
    }
}
