package io.triagebot.probe;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated set of probes a triage runs, in catalog order. */
public final class ProbeCatalog {

    private final Map<String, ProbeDefinition> probes;
    private final List<ProbeDefinition> ordered;

    public ProbeCatalog(List<ProbeDefinition> probes) {
        Map<String, ProbeDefinition> byId = new LinkedHashMap<>();
        for (ProbeDefinition p : probes) {
            if (byId.put(p.id(), p) != null) {
                throw new IllegalArgumentException("duplicate probe id " + p.id());
            }
        }
        this.probes = Map.copyOf(byId);
        this.ordered = List.copyOf(byId.values());
    }

    public List<ProbeDefinition> probes() {
        return ordered;
    }

    public Optional<ProbeDefinition> find(String id) {
        return Optional.ofNullable(probes.get(id));
    }

    public int size() {
        return ordered.size();
    }

    public Collection<String> ids() {
        return ordered.stream().map(ProbeDefinition::id).toList();
    }
}
