package io.triagebot.runbook;

import java.util.ArrayList;
import java.util.List;

/**
 * The seed's "Quality Checks", answered from a runbook's declarations for the dry-run card: is it safe in
 * production, which services depend on what it changes, does it persist across a reboot, and how it is
 * rolled back.
 *
 * @param safeForProduction true for low and medium risk actions that can be rolled back
 * @param production the runbook's own production notes (when it is safe, what to check first)
 * @param risk low, medium or high, with the number of approvals it needs
 * @param dependencies what else it affects; empty when nothing beyond the target is known to
 * @param persistsAcrossReboot always false: runbooks only make runtime changes
 * @param persistence how to make it permanent, or that it is runtime only
 * @param rollback whether there is an automatic rollback
 * @param rollbackDetail the exact rollback command with {@code {previous}}, or why there is none
 */
public record QualityChecks(boolean safeForProduction, String production, String risk, List<String> dependencies,
        boolean persistsAcrossReboot, String persistence, boolean rollback, String rollbackDetail) {

    public QualityChecks {
        dependencies = List.copyOf(dependencies);
    }

    static QualityChecks of(Runbook r, ResolvedAction action) {
        boolean safe = r.risk() != Risk.HIGH && r.reversible();
        String risk = r.risk().word() + ", " + r.approvals() + (r.approvals() == 1 ? " approval" : " approvals");
        String persistence = action == null ? r.persistence() : action.persistence();
        String how;
        if (persistence.equals("runtime")) {
            how = "runtime only: lost at reboot";
        } else if (persistence.startsWith("runtime:")) {
            how = "runtime only: lost at reboot; " + persistence.substring("runtime:".length()).strip();
        } else if (persistence.startsWith("process lifetime")) {
            how = persistence;
        } else {
            how = "runtime only: lost at reboot; " + persistence;
        }
        String rollbackDetail;
        if (!r.reversible()) {
            rollbackDetail = "none: " + r.irreversible();
        } else {
            rollbackDetail = "restores the value captured before the change: "
                    + (action == null ? ResolvedAction.humanTemplate(r, r.rollback(), r.rollbackInput())
                            : action.rollbackTemplate());
        }
        return new QualityChecks(safe, r.production(), risk, r.dependencies(), false, how, r.reversible(), rollbackDetail);
    }

    /** One line per question, for a card or a terminal. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("Safe for production? " + (safeForProduction ? "Yes" : "Not without care") + " (risk " + risk + "): "
                + production);
        out.add("Service dependencies: " + (dependencies.isEmpty() ? "none known beyond the target" : String.join("; ", dependencies)));
        out.add("Persists across reboot? " + (persistsAcrossReboot ? "Yes" : "No") + ": " + persistence);
        out.add("Rollback? " + (rollback ? "Yes" : "No") + ": " + rollbackDetail);
        return out;
    }
}
