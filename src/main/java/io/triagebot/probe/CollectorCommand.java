package io.triagebot.probe;

/**
 * The one command a target runs per triage. It is a constant: nothing from the user or the target
 * ever becomes part of it. The generated script arrives on standard input.
 *
 * <p>The script is lowered to the lowest CPU and best-effort I/O priority before it starts, so a
 * triage never competes with the workload on a sick host. {@code sh -c} wraps the whole thing so the
 * target user's login shell (bash, zsh, fish...) only has to understand one single-quoted word.
 */
public final class CollectorCommand {

    /** The wrapper, interpreted by POSIX sh; feeds the script read from stdin to a niced sh. */
    public static final String WRAPPER = "if command -v ionice >/dev/null 2>&1; "
            + "then exec nice -n 19 ionice -c 2 -n 7 sh -s; "
            + "elif command -v nice >/dev/null 2>&1; then exec nice -n 19 sh -s; "
            + "else exec sh -s; fi";

    /** The command line sent to the remote login shell (and the argv for a local run). */
    public static final String SHELL_COMMAND = "sh -c '" + WRAPPER + "'";

    /**
     * The command an action's script runs under: plain {@code sh -s}, at the login's own priority. An
     * approved change on a saturated host must not queue behind the load it is meant to relieve.
     */
    public static final String ACTION_COMMAND = "sh -s";

    private CollectorCommand() {
    }
}
