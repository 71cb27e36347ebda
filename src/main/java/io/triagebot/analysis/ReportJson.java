package io.triagebot.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The stable JSON form of a report ({@code triage --json}), documented in README.md. Fields are only
 * ever added, never renamed or removed. Unknown numbers are null, never NaN or zero.
 */
public final class ReportJson {

    /** Bumped only if a field ever has to change meaning; additions do not bump it. */
    public static final int SCHEMA_VERSION = 1;

    private final ObjectMapper mapper;

    public ReportJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode toJson(Report r) {
        ObjectNode root = mapper.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("host", r.host());
        root.put("severity", r.severity().name());
        root.put("headline", r.headline());
        root.put("hostname", r.hostname());
        root.put("kernel", r.kernel());
        root.put("collectedAt", r.collectedAt().toString());
        number(root, "windowSeconds", r.windowSeconds());
        root.put("collectionMillis", r.collectionMillis());
        strings(root.putArray("immediateActions"), r.immediateActions());
        root.set("vitals", vitals(r.vitals()));
        ArrayNode findings = root.putArray("findings");
        for (Finding f : r.findings()) {
            ObjectNode o = findings.addObject();
            o.put("pattern", f.pattern());
            o.put("severity", f.severity().name());
            o.put("status", f.status().name());
            o.put("title", f.title());
            o.put("impact", f.impact());
            strings(o.putArray("evidence"), f.evidence());
            strings(o.putArray("nextCommands"), f.nextCommands());
            ArrayNode runbooks = o.putArray("runbooks");
            for (RunbookSuggestion s : f.runbooks()) {
                ObjectNode rb = runbooks.addObject();
                rb.put("id", s.id());
                ObjectNode params = rb.putObject("parameters");
                s.parameters().forEach(params::put);
                rb.put("reason", s.reason());
            }
            o.put("longTermFix", f.longTermFix());
            o.put("culprit", f.culprit());
            number(o, "score", f.score());
        }
        ArrayNode escalations = root.putArray("escalations");
        for (Escalation e : r.escalations()) {
            ObjectNode o = escalations.addObject();
            o.put("trigger", e.trigger());
            o.put("severity", e.severity().name());
            o.put("line", e.line());
            number(o, "ageSeconds", e.ageSeconds());
            o.put("recent", e.recent());
            o.put("count", e.count());
            o.put("advice", e.advice());
        }
        ObjectNode other = root.putObject("otherKernelWarnings");
        ArrayNode shown = other.putArray("templates");
        for (KernelWarning w : r.kernelWarnings().shown()) {
            ObjectNode o = shown.addObject();
            o.put("template", w.template());
            o.put("line", w.line());
            o.put("level", w.levelName());
            o.put("count", w.count());
            number(o, "ageSeconds", w.ageSeconds());
        }
        other.put("moreTemplates", r.kernelWarnings().moreTemplates());
        other.put("moreLines", r.kernelWarnings().moreLines());
        other.put("levelsKnown", r.kernelWarnings().levelsKnown());
        other.put("severity", r.kernelWarnings().severity().name());
        ArrayNode unavailable = root.putArray("unavailable");
        for (Unmeasured u : r.unavailable()) {
            unavailable.addObject().put("probe", u.probe()).put("reason", u.reason());
        }
        strings(root.putArray("notes"), r.notes());
        return root;
    }

    private ObjectNode vitals(Vitals v) {
        ObjectNode o = mapper.createObjectNode();
        o.put("cpus", v.cpus());
        number(o, "load1", v.load1());
        number(o, "load5", v.load5());
        number(o, "load15", v.load15());
        number(o, "cpuUserPercent", v.cpuUserPercent());
        number(o, "cpuSystemPercent", v.cpuSystemPercent());
        number(o, "cpuIowaitPercent", v.cpuIowaitPercent());
        number(o, "cpuStealPercent", v.cpuStealPercent());
        number(o, "cpuIdlePercent", v.cpuIdlePercent());
        number(o, "cpuBusyPercent", v.cpuBusyPercent());
        integer(o, "runnable", v.runnable());
        integer(o, "blocked", v.blocked());
        integer(o, "memTotalKb", v.memTotalKb());
        integer(o, "memAvailableKb", v.memAvailableKb());
        integer(o, "swapTotalKb", v.swapTotalKb());
        integer(o, "swapUsedKb", v.swapUsedKb());
        number(o, "swapInPagesPerSecond", v.swapInPagesPerSecond());
        number(o, "swapOutPagesPerSecond", v.swapOutPagesPerSecond());
        number(o, "contextSwitchesPerSecond", v.contextSwitchesPerSecond());
        number(o, "interruptsPerSecond", v.interruptsPerSecond());
        number(o, "cpuPressureSomePercent", v.cpuPressureSome());
        number(o, "memoryPressureSomePercent", v.memoryPressureSome());
        number(o, "memoryPressureFullPercent", v.memoryPressureFull());
        number(o, "ioPressureSomePercent", v.ioPressureSome());
        number(o, "ioPressureFullPercent", v.ioPressureFull());
        number(o, "uptimeSeconds", v.uptimeSeconds());
        return o;
    }

    private static void number(ObjectNode o, String name, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(name);
        } else {
            o.put(name, Math.round(v * 1000) / 1000.0);
        }
    }

    private static void integer(ObjectNode o, String name, long v) {
        if (v < 0) {
            o.putNull(name);
        } else {
            o.put(name, v);
        }
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}
