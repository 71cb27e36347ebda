package io.triagebot.runbook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The loaded runbooks, by id. Immutable; one instance serves every request. */
public final class RunbookCatalog {

    private final Map<String, Runbook> byId = new LinkedHashMap<>();

    public RunbookCatalog(List<Runbook> runbooks) {
        for (Runbook r : runbooks) {
            if (byId.put(r.id(), r) != null) {
                throw new IllegalArgumentException("duplicate runbook id " + r.id());
            }
        }
    }

    public List<Runbook> runbooks() {
        return List.copyOf(byId.values());
    }

    public Set<String> ids() {
        return Set.copyOf(byId.keySet());
    }

    public Optional<Runbook> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * Runbook {@code id} with {@code parameters} validated and defaults applied.
     *
     * @throws InvalidParametersException for an unknown runbook, an unknown or missing parameter, or a
     *     value breaking its type's rule; the message names the runbook, the parameter and the rule
     */
    public ResolvedAction resolve(String id, Map<String, String> parameters) throws InvalidParametersException {
        Runbook r = byId.get(id);
        if (r == null) {
            throw new InvalidParametersException("no runbook " + (id == null ? "''" : Shell.display(id)) + "; known: "
                    + String.join(", ", byId.keySet()));
        }
        return resolve(r, parameters);
    }

    public static ResolvedAction resolve(Runbook r, Map<String, String> parameters) throws InvalidParametersException {
        for (String name : parameters.keySet()) {
            if (r.parameter(name).isEmpty()) {
                throw new InvalidParametersException("runbook " + r.id() + ": unknown parameter " + Shell.display(name)
                        + (r.parameters().isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", r.parameterNames()) + ")"));
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (ParameterSpec p : r.parameters()) {
            String given = parameters.get(p.name());
            if (given == null) {
                if (p.defaultValue() == null) {
                    throw new InvalidParametersException("runbook " + r.id() + ": parameter '" + p.name()
                            + "' is required: " + p.description() + " (" + p.rule() + ")");
                }
                values.put(p.name(), p.defaultValue());
                continue;
            }
            try {
                values.put(p.name(), p.validate(given));
            } catch (InvalidParametersException e) {
                throw new InvalidParametersException("runbook " + r.id() + ": " + e.getMessage());
            }
        }
        try {
            ResolvedAction.checkPathValues(r.precondition(), values);
            ResolvedAction.checkPathValues(r.command(), values);
            if (r.capture().isPresent()) {
                ResolvedAction.checkPathValues(r.capture().get().argv(), values);
            }
        } catch (InvalidParametersException e) {
            throw new InvalidParametersException("runbook " + r.id() + ": " + e.getMessage());
        }
        return new ResolvedAction(r, values);
    }
}
