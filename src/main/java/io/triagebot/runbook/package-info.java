/**
 * The runbook catalog: approval-gated stabilisation actions loaded from {@code runbooks/*.yaml}
 * ({@link io.triagebot.runbook.RunbookCatalogLoader}), with typed parameters
 * ({@link io.triagebot.runbook.ParameterType}), an allow-list of programs and their forms
 * ({@link io.triagebot.runbook.StabilisationCommands}), rendering to fully quoted sh scripts
 * ({@link io.triagebot.runbook.ResolvedAction}), the metrics verification reads
 * ({@link io.triagebot.runbook.VerificationMetric}) and the dry-run card's
 * {@link io.triagebot.runbook.QualityChecks}. The file format is described in {@code runbooks/README.md}.
 *
 * <p>This package only describes and renders actions; running them (approval, the runner, the timeline)
 * belongs to the caller, following the protocol in {@link io.triagebot.runbook.ResolvedAction}.
 */
package io.triagebot.runbook;
