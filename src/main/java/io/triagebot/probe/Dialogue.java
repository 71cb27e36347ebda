package io.triagebot.probe;

/**
 * A script that is answered while it runs: the runner keeps its standard input open after the script,
 * shows the dialogue the output so far whenever more arrives (and at least every {@link #POLL_MILLIS}),
 * and does what it replies: wait, send one line (then closes standard input), or stop the run.
 */
@FunctionalInterface
public interface Dialogue {

    /** The longest a dialogue waits to be asked again, output or not: its own timers are this precise. */
    long POLL_MILLIS = 100;

    /** What to do now. */
    record Reply(String line, boolean stop) {

        public static final Reply WAIT = new Reply(null, false);
        public static final Reply STOP = new Reply(null, true);

        public static Reply send(String line) {
            if (line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("one line");
            }
            return new Reply(line, false);
        }
    }

    /** Called on the running thread with everything the script printed on standard output so far. */
    Reply heard(byte[] stdoutSoFar);
}
