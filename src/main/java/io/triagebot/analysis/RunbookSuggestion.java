package io.triagebot.analysis;

import java.util.Map;

/**
 * A short-term stabilisation runbook a finding suggests, with parameters filled from the evidence
 * (the device, the IRQ, the unit). Running it is always a separate, approved step.
 *
 * @param id a runbook id from runbooks/
 * @param parameters name to value, as strings
 * @param reason why this runbook, for this finding
 */
public record RunbookSuggestion(String id, Map<String, String> parameters, String reason) {

    public RunbookSuggestion {
        parameters = Map.copyOf(parameters);
    }
}
