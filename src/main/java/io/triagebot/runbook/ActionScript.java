package io.triagebot.runbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of one action as one POSIX sh script, run over one login: precondition, capture, a pause for
 * the go-ahead, command, read-back (or, for a rollback, the rollback and its read-back). Each step is
 * framed by marker lines carrying a per-run nonce and its exit status, so the output tells which step ran,
 * what each printed and where it stopped.
 *
 * <p>After the capture the script prints {@code NONCE await} and reads one line from its standard input:
 * only the exact go line lets the command start. The bot stores the captured value first; a bot that dies
 * before that closes the connection, the read fails and the script ends without changing anything.
 *
 * <p>Every process the action names by pid is bound to the start time it had at proposal
 * ({@code /proc/PID/stat} field 22); before every step the script compares it and stops with a
 * {@code moved} marker when the pid now belongs to another process. Every value in the script is a
 * single-quoted word ({@link Shell#quote}); the whole is one brace group, so sh has read all of it before
 * the first step runs and the go line can never be taken for script text.
 */
public final class ActionScript {

    public static final String PRECONDITION = "precondition";
    public static final String CAPTURE = "capture";
    public static final String COMMAND = "command";
    public static final String READ_BACK = "read-back";
    public static final String ROLLBACK = "rollback";

    /** A process parameter's value and the start time it was bound to. */
    public record Binding(String pid, long startTime) {
    }

    private static final String FUNCTIONS = """
            tb_start() { tb_s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo gone; return 0; }
              tb_s=${tb_s##*[)] }; set -- $tb_s; echo "${20}"; }
            tb_bind() { tb_now=$(tb_start "$2"); [ "$tb_now" = "$3" ] && return 0
              printf '%s moved %s %s %s %s\\n' "$tb_m" "$1" "$2" "$3" "$tb_now"; exit 0; }
            tb_begin() { printf '%s begin %s\\n' "$tb_m" "$1"; printf '%s begin %s\\n' "$tb_m" "$1" >&2; }
            tb_end() { printf '\\n%s end %s %s\\n' "$tb_m" "$1" "$2"; }
            """;

    private final String script;
    private final String nonce;
    private final boolean awaits;

    private ActionScript(String script, String nonce, boolean awaits) {
        this.script = script;
        this.nonce = nonce;
        this.awaits = awaits;
    }

    /** Precondition, capture, await, command, read-back; the capture steps are left out for an irreversible runbook. */
    public static ActionScript forAction(String runbookId, RenderedAction r, List<Binding> bindings, String nonce) {
        StringBuilder s = head(runbookId, "precondition, capture, command and read-back in one login", nonce);
        step(s, PRECONDITION, r.precondition(), bindings, true);
        r.capture().ifPresent(c -> step(s, CAPTURE, c, bindings, true));
        s.append("printf '%s await\\n' \"$tb_m\"\n")
                .append("IFS= read -r tb_go || exit 0\n")
                .append("[ \"$tb_go\" = ").append(Shell.quote(goLine(nonce))).append(" ] || exit 0\n");
        step(s, COMMAND, r.command(), bindings, true);
        r.capture().ifPresent(c -> step(s, READ_BACK, c, bindings, false));
        return new ActionScript(tail(s), nonce, true);
    }

    /** The rollback and, when the runbook captures, the read-back of what it restored. */
    public static ActionScript forRollback(String runbookId, RenderedScript rollback, Optional<RenderedScript> capture,
            List<Binding> bindings, String nonce) {
        StringBuilder s = head(runbookId, "rollback and read-back in one login", nonce);
        step(s, ROLLBACK, rollback, bindings, true);
        capture.ifPresent(c -> step(s, READ_BACK, c, bindings, false));
        return new ActionScript(tail(s), nonce, false);
    }

    private static StringBuilder head(String runbookId, String what, String nonce) {
        if (!nonce.matches("[0-9a-f]{16,64}")) {
            throw new IllegalArgumentException("a nonce is lower-case hex");
        }
        StringBuilder s = new StringBuilder("# triagebot runbook ").append(runbookId).append(": ").append(what)
                .append('\n').append(ResolvedAction.PRELUDE).append("{\n")
                .append("tb_m=").append(Shell.quote(marker(nonce))).append('\n').append(FUNCTIONS);
        return s;
    }

    private static String tail(StringBuilder s) {
        // exit inside the group: sh never waits on standard input for more script.
        return s.append("exit 0\n}\n").toString();
    }

    private static void step(StringBuilder s, String name, RenderedScript step, List<Binding> bindings,
            boolean stopOnFailure) {
        for (Binding b : bindings) {
            s.append("tb_bind ").append(name).append(' ').append(Shell.quote(b.pid())).append(' ')
                    .append(Shell.quote(Long.toString(b.startTime()))).append('\n');
        }
        s.append("tb_begin ").append(name).append('\n').append(step.line()).append('\n')
                .append("tb_rc=$?; tb_end ").append(name).append(" \"$tb_rc\"\n");
        if (stopOnFailure) {
            s.append("[ \"$tb_rc\" -eq 0 ] || exit 0\n");
        }
    }

    public String script() {
        return script;
    }

    /** Whether the script pauses for {@link #goLine()} after its capture. */
    public boolean awaits() {
        return awaits;
    }

    /** The line that lets the command start. */
    public String goLine() {
        return goLine(nonce);
    }

    private static String goLine(String nonce) {
        return "go-" + nonce;
    }

    private static String marker(String nonce) {
        return "@@triagebot-" + nonce;
    }

    /** One step as the output shows it. @param exit null while it has not ended */
    public record StepResult(String name, String stdout, Integer exit) {
    }

    /**
     * What the output shows so far.
     *
     * @param steps the steps that began, in order
     * @param awaiting the script paused for the go line
     * @param moved the bound process a step found replaced ("pid 1234 started at 5678, now at 9012"), or null
     */
    public record Transcript(List<StepResult> steps, boolean awaiting, String moved) {

        public Optional<StepResult> step(String name) {
            return steps.stream().filter(s -> s.name().equals(name)).findFirst();
        }

        /** The last step that began, or null. */
        public StepResult last() {
            return steps.isEmpty() ? null : steps.get(steps.size() - 1);
        }
    }

    /** {@code stderr} of step {@code name} (the script marks where each step's begins), or empty. */
    public String stderrOf(String stderr, String name) {
        String begin = marker(nonce) + " begin " + name + "\n";
        int at = stderr.indexOf(begin);
        if (at < 0) {
            return "";
        }
        String rest = stderr.substring(at + begin.length());
        int next = rest.indexOf(marker(nonce) + " begin ");
        return (next < 0 ? rest : rest.substring(0, next)).strip();
    }

    /** Reads {@code stdout} (whole or partial) into steps; text outside the markers is ignored. */
    public Transcript read(String stdout) {
        String m = Pattern.quote(marker(nonce));
        Pattern begin = Pattern.compile("(?m)^" + m + " begin ([a-z-]+)\n");
        Pattern end = Pattern.compile("\n" + m + " end ([a-z-]+) ([0-9]{1,3})\n");
        Pattern moved = Pattern.compile("(?m)^" + m + " moved ([a-z-]+) (\\S+) (\\S+) (\\S+)$");
        Map<String, StepResult> steps = new LinkedHashMap<>();
        Matcher b = begin.matcher(stdout);
        int from = 0;
        while (b.find(from)) {
            String name = b.group(1);
            Matcher e = end.matcher(stdout);
            if (e.find(b.end()) && e.group(1).equals(name)) {
                steps.put(name, new StepResult(name, stdout.substring(b.end(), e.start()),
                        Integer.valueOf(e.group(2))));
                from = e.end();
            } else {
                steps.put(name, new StepResult(name, stdout.substring(b.end()), null));
                break;
            }
        }
        String movedText = null;
        Matcher mv = moved.matcher(stdout);
        if (mv.find()) {
            movedText = "pid " + mv.group(2) + " is not the process the card named (it started at " + mv.group(3)
                    + ", now " + ("gone".equals(mv.group(4)) ? "there is no such process" : "one started at "
                    + mv.group(4)) + "); refused before the " + mv.group(1) + " step";
        }
        boolean awaiting = Pattern.compile("(?m)^" + m + " await$").matcher(stdout).find();
        return new Transcript(new ArrayList<>(steps.values()), awaiting, movedText);
    }
}
