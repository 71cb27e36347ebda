package io.triagebot.cli;

/**
 * Process exit codes, documented in README.md. Scripts depend on them: never renumber. When several apply
 * (one host unreachable, another past {@code --fail-on}), the highest wins.
 */
public final class ExitCodes {

    /** Every host got a report (whatever its severity). */
    public static final int OK = 0;
    /** Something unexpected; a bug. */
    public static final int INTERNAL = 1;
    /** Bad arguments: unknown option, bad host name, bad number. */
    public static final int USAGE = 2;
    /** At least one host could not be reached (DNS, refused, timeout, auth, host key); others were reported. */
    public static final int UNREACHABLE = 3;
    /** A configuration file (probe catalog, SSH config, thresholds) is unusable. */
    public static final int CONFIG = 4;
    /** A host's report reached the severity given with {@code --fail-on} (scripts gate on it). */
    public static final int SEVERITY = 5;

    private ExitCodes() {
    }
}
