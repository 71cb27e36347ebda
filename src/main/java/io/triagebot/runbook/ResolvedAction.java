package io.triagebot.runbook;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * A runbook with validated, canonical values for every parameter (defaults applied): what an approval
 * card shows and what runs once approved. Build one with {@link RunbookCatalog#resolve}.
 *
 * <p>The protocol an executor follows (the order matters):
 * <ol>
 *   <li>run {@link RenderedAction#precondition()}; anything but exit 0 stops here, nothing changed;</li>
 *   <li>run {@link RenderedAction#capture()} and call {@link #rollbackWith} on its output <em>before</em> the
 *       change: a previous value that cannot be restored (not a valid value of its parameter) stops here;</li>
 *   <li>run {@link RenderedAction#command()};</li>
 *   <li>run the capture again: {@link #applied} says whether the setting now holds the new value;</li>
 *   <li>after {@link Runbook#settleSeconds()}, compare the {@link Runbook#expectationFor expected metric};</li>
 *   <li>to undo: run the rollback script, capture again, and check {@link #restored}.</li>
 * </ol>
 *
 * <p>Values reach a script only inside single-quoted words ({@link Shell#quote}); the input of a
 * {@code tee} is a single-quoted {@code printf} argument. No value is ever part of shell syntax.
 *
 * @param runbook the runbook
 * @param values parameter name to canonical value, for every declared parameter
 */
public record ResolvedAction(Runbook runbook, Map<String, String> values) {

    static final String PRELUDE = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
            + "LC_ALL=C\nexport PATH LC_ALL\n";
    private static final int MAX_CAPTURE_CHARS = 64 * 1024;
    private static final int MAX_CAPTURE_LINE = 8 * 1024;

    /**
     * Holds only validated values: every declared parameter, each already in its canonical valid form
     * (which {@link RunbookCatalog#resolve} produces). Anything else is a programming error.
     */
    public ResolvedAction {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        if (!values.keySet().equals(new java.util.HashSet<>(runbook.parameterNames()))) {
            throw new IllegalArgumentException("runbook " + runbook.id() + " takes " + runbook.parameterNames()
                    + ", not " + values.keySet() + "; use RunbookCatalog.resolve");
        }
        for (ParameterSpec p : runbook.parameters()) {
            String v = values.get(p.name());
            if (v == null || !p.type().canonical(p, v).equals(Optional.of(v))) {
                throw new IllegalArgumentException("runbook " + runbook.id() + ": " + p.name() + " = "
                        + (v == null ? "null" : Shell.display(v)) + " is not a validated value; use RunbookCatalog.resolve");
            }
        }
    }

    public String id() {
        return runbook.id();
    }

    /** The scripts as the login user runs them (root, or no privilege needed). */
    public RenderedAction render() {
        return render(Privilege.AS_IS);
    }

    /** The scripts, with {@code sudo -n --} before each program when {@code privilege} is SUDO and the runbook needs root. */
    public RenderedAction render(Privilege privilege) {
        Optional<RenderedScript> capture = runbook.capture()
                .map(c -> script("capture", c.argv(), null, values, privilege));
        return new RenderedAction(runbook.id(), precondition(privilege), capture, script("command", runbook.command(), runbook.input(), values, privilege));
    }

    /** The change on one line, e.g. {@code sysctl -w vm.swappiness=10}. */
    public String humanCommand() {
        return render().humanCommand();
    }

    /**
     * The rollback script restoring what the capture printed.
     *
     * @param captured the capture script's standard output, taken before the command ran
     * @throws InvalidParametersException when the output does not hold a valid value of each restored
     *     parameter (the host printed something unexpected; nothing would be restored safely)
     * @throws IllegalStateException for an irreversible runbook
     */
    public RenderedScript rollbackWith(String captured) throws InvalidParametersException {
        return rollbackWith(captured, Privilege.AS_IS);
    }

    public RenderedScript rollbackWith(String captured, Privilege privilege) throws InvalidParametersException {
        if (!runbook.reversible()) {
            throw new IllegalStateException("runbook " + runbook.id() + " has no rollback: " + runbook.irreversible());
        }
        Map<String, String> previous = previousValues(captured);
        Map<String, String> all = new LinkedHashMap<>(values);
        previous.forEach((name, v) -> all.put(Templates.PREVIOUS + "." + name, v));
        if (previous.size() == 1) {
            all.put(Templates.PREVIOUS, previous.values().iterator().next());
        }
        checkPathValues(runbook.rollback(), all);
        return script("rollback", runbook.rollback(), runbook.rollbackInput(), all, privilege);
    }

    /**
     * The previous value of each restored parameter, read from the capture's output: one line per
     * parameter, each through {@code extract} and {@code convert}, then validated as that parameter.
     */
    public Map<String, String> previousValues(String captured) throws InvalidParametersException {
        Runbook.Capture capture = runbook.capture().orElseThrow(
                () -> new IllegalStateException("runbook " + runbook.id() + " captures nothing"));
        String where = "runbook " + runbook.id() + ": the captured value";
        if (captured == null || captured.length() > MAX_CAPTURE_CHARS) {
            throw new InvalidParametersException(where + " is missing or too long");
        }
        String text = captured.stripTrailing();
        List<String> lines = text.isEmpty() ? List.of("") : List.of(text.split("\n", -1));
        List<String> restores = capture.restores();
        if (lines.size() != restores.size()) {
            throw new InvalidParametersException(where + " has " + lines.size() + " line(s); expected "
                    + restores.size() + " (" + String.join(", ", restores) + "): " + Shell.display(text));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < restores.size(); i++) {
            String name = restores.get(i);
            String line = lines.get(i).strip();
            if (line.length() > MAX_CAPTURE_LINE) {
                throw new InvalidParametersException(where + " of '" + name + "' is too long");
            }
            String value = line;
            if (capture.extract() != null) {
                Matcher m = capture.extract().matcher(line);
                value = null;
                if (m.find()) {
                    for (int g = 1; g <= m.groupCount() && value == null; g++) {
                        value = m.group(g);
                    }
                }
                if (value == null) {
                    throw new InvalidParametersException(where + " of '" + name + "' is not in the host's output "
                            + Shell.display(line) + " (expected " + capture.extract().pattern() + ")");
                }
            }
            if (capture.convert() != null) {
                String raw = value;
                value = capture.convert().apply(raw).orElseThrow(() -> new InvalidParametersException(where + " of '"
                        + name + "' cannot be read as " + capture.convert().yamlName() + ": " + Shell.display(raw)));
            }
            ParameterSpec spec = runbook.parameter(name).orElseThrow();
            try {
                out.put(name, spec.validate(value));
            } catch (InvalidParametersException e) {
                throw new InvalidParametersException(where + " cannot be restored safely: " + e.getMessage());
            }
        }
        return out;
    }

    /** Whether {@code captured} (the capture run after the command) shows the new values: the change took. */
    public boolean applied(String captured) throws InvalidParametersException {
        Map<String, String> now = previousValues(captured);
        for (Map.Entry<String, String> e : now.entrySet()) {
            if (!runbook.parameter(e.getKey()).orElseThrow().same(e.getValue(), values.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code after} (captured after the rollback) shows the same values as {@code before} (captured first). */
    public boolean restored(String before, String after) throws InvalidParametersException {
        Map<String, String> was = previousValues(before);
        Map<String, String> now = previousValues(after);
        for (Map.Entry<String, String> e : was.entrySet()) {
            if (!runbook.parameter(e.getKey()).orElseThrow().same(e.getValue(), now.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The persistence advice with this action's values ("add vm.swappiness = 10 to /etc/sysctl.d/..."). */
    public String persistence() {
        return Templates.renderText(runbook.persistence(), values);
    }

    /** The rollback on one line with this action's values and {@code {previous}} still open. */
    public String rollbackTemplate() {
        if (!runbook.reversible()) {
            return "";
        }
        Map<String, String> all = new LinkedHashMap<>(values);
        return humanTemplate(runbook, runbook.rollback(), runbook.rollbackInput(), all);
    }

    /** The dry-run card's quality checks, with this action's values. */
    public QualityChecks qualityChecks() {
        return QualityChecks.of(runbook, this);
    }

    static String humanTemplate(Runbook r, List<String> argv, String input) {
        return humanTemplate(r, argv, input, new LinkedHashMap<>());
    }

    /** Human form of a template: known values filled in, other placeholders shown as {name}. */
    private static String humanTemplate(Runbook r, List<String> argv, String input, Map<String, String> known) {
        Map<String, String> marks = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        List<String> all = new ArrayList<>(argv);
        if (input != null) {
            all.add(input);
        }
        for (String t : all) {
            for (String key : Templates.keys(t)) {
                if (!known.containsKey(key)) {
                    marks.put(key, "TRIAGEBOTMARK" + marks.size() + "X");
                }
            }
        }
        Map<String, String> values = new LinkedHashMap<>(known);
        values.putAll(marks);
        for (String t : argv) {
            words.add(Templates.render(t, values));
        }
        String line = (input == null ? "" : "printf '%s\\n' " + Shell.humanWord(Templates.render(input, values)) + " | ")
                + Shell.human(words);
        for (Map.Entry<String, String> m : marks.entrySet()) {
            line = line.replace(m.getValue(), "{" + m.getKey() + "}");
        }
        return line;
    }

    /**
     * The precondition, and when the runbook has one, its confirmation: the reading command's output must
     * equal the expected value exactly (a unit's ControlGroup is the cgroup the evidence named), else the
     * script exits 3 saying what the host answered, and nothing runs.
     */
    private RenderedScript precondition(Privilege privilege) {
        RenderedScript pre = script("precondition", runbook.precondition(), null, values, privilege);
        if (runbook.confirm().isEmpty()) {
            return pre;
        }
        List<String> argv = new ArrayList<>();
        if (privilege == Privilege.SUDO && runbook.sudo()) {
            argv.addAll(List.of("sudo", "-n", "--"));
        }
        for (String t : runbook.confirm()) {
            argv.add(Templates.render(t, values));
        }
        String expected = Templates.render(runbook.confirmEquals(), values);
        String confirm = "tb_seen=$(" + Shell.quoted(argv) + " </dev/null) || exit $?\n"
                + "[ \"$tb_seen\" = " + Shell.quote(expected) + " ] || { printf '%s\\n' "
                + Shell.quote("refused: " + Shell.human(argv) + " printed") + " \"$tb_seen\" "
                + Shell.quote("not " + expected + ", the cgroup the evidence named") + " >&2; exit 3; }\n";
        String check = pre.script().stripTrailing() + " || exit $?\n" + confirm;
        // As one step of a composed action script: a subshell, so its exits end the step and not the script.
        String line = "(\n" + pre.line() + " || exit $?\n" + confirm + ")";
        String human = pre.human() + " && [ \"$(" + Shell.human(argv) + ")\" = " + Shell.humanWord(expected) + " ]";
        return new RenderedScript(check, human, line);
    }

    private RenderedScript script(String step, List<String> template, String input, Map<String, String> values,
            Privilege privilege) {
        List<String> argv = new ArrayList<>();
        if (privilege == Privilege.SUDO && runbook.sudo()) {
            argv.addAll(List.of("sudo", "-n", "--"));
        }
        for (String t : template) {
            argv.add(Templates.render(t, values));
        }
        String in = input == null ? null : Templates.render(input, values);
        String line = in != null ? "printf '%s\\n' " + Shell.quote(in) + " | " + Shell.quoted(argv)
                : Shell.quoted(argv) + " </dev/null";
        String s = "# triagebot runbook " + runbook.id() + ": " + step + "\n" + PRELUDE + line + "\n";
        String human = (in == null ? "" : "printf '%s\\n' " + Shell.humanWord(in) + " | ") + Shell.human(argv);
        return new RenderedScript(s, human, line);
    }

    /**
     * A value inside a path element ({@code /sys/block/{device}/queue/...}) must stay one path component:
     * no {@code /}, not {@code .} or {@code ..}. The types already ensure it; this holds even for a
     * {@code string} whose pattern is too generous.
     */
    static void checkPathValues(List<String> templates, Map<String, String> values) throws InvalidParametersException {
        for (String t : templates) {
            if (!t.startsWith("/")) {
                continue;
            }
            for (String key : Templates.keys(t)) {
                String v = values.get(key);
                if (v != null && (v.contains("/") || v.equals(".") || v.equals("..") || v.isEmpty())) {
                    throw new InvalidParametersException("parameter '" + key + "' is used as a path component in " + t
                            + " and must not be empty, '.', '..' or contain '/'; got " + Shell.display(v));
                }
            }
        }
    }
}
