package io.triagebot.runbook;

/**
 * One step of a runbook, ready to run.
 *
 * @param script a POSIX sh script in which every word is single-quoted: what a {@code ScriptRunner} runs
 * @param human the same command on one line, quoted only where the shell needs it (e.g.
 *     {@code sysctl -w vm.swappiness=10}), for approval cards, timelines and people typing it themselves
 * @param line the step's one command line as it appears in {@code script} (every word single-quoted), for
 *     composing several steps into one script
 */
public record RenderedScript(String script, String human, String line) {
}
