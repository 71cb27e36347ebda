package io.triagebot.deep;

import java.util.List;
import java.util.Optional;

/** The deep probes, in file-name order. */
public record DeepCatalog(List<DeepProbe> probes) {

    public DeepCatalog {
        probes = List.copyOf(probes);
    }

    public Optional<DeepProbe> find(String id) {
        return probes.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public List<String> ids() {
        return probes.stream().map(DeepProbe::id).toList();
    }
}
