package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.testsupport.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line in a real shell and on a real terminal: bash runs the completion script, and util-linux
 * {@code script} gives the report a pseudo-terminal, the way a person at a console sees it.
 */
class TerminalIT {

    private static final String ESC = "\u001b[";

    @TempDir
    Path dir;

    @Test
    void completionIsAValidBashScriptThatCompletesCommandsOptionsAndValues() throws Exception {
        CliRun run = CliRun.of("completion", "bash");
        assertEquals(ExitCodes.OK, run.exit(), run.err());
        Path script = Files.writeString(dir.resolve("triagebot.bash"), run.out());
        shell(Map.of(), "bash", "-n", script.toString());

        assertEquals(List.of("triage"), complete(script, "triagebot", "tri"));
        assertEquals(List.of("LOW", "MEDIUM", "HIGH", "CRITICAL"),
                complete(script, "triagebot", "triage", "--fail-on", ""));
        List<String> options = complete(script, "triagebot", "triage", "-");
        assertTrue(options.containsAll(List.of("-F", "--ssh-config", "--fail-on", "--json")), options.toString());
        assertEquals(List.of("md", "json"), complete(script, "triagebot", "export", "--format", ""));
        assertEquals(ExitCodes.USAGE, CliRun.of("completion", "fish").exit());
    }

    @Test
    void onATerminalTheSeverityIsColouredUnlessNoColorOrADumbTerminalSaysNo() throws Exception {
        String coloured = onTerminal(Map.of("TERM", "xterm-256color"));
        String first = coloured.lines().findFirst().orElse("");
        assertTrue(first.matches("\\Q" + ESC + "\\E[0-9;]+m(LOW|MEDIUM|HIGH|CRITICAL)\\Q" + ESC + "0m\\E  local: .*"),
                "the severity word in colour on a terminal: " + first);
        assertTrue(coloured.contains(ESC + "1mVITALS" + ESC + "0m"), coloured);

        for (Map<String, String> env : List.of(Map.of("TERM", "xterm", "NO_COLOR", "1"), Map.of("TERM", "dumb"))) {
            String plain = onTerminal(env);
            assertFalse(plain.contains("\u001b"), env + ": " + plain);
            assertTrue(plain.matches("(?s)(LOW|MEDIUM|HIGH|CRITICAL)  local: .*VITALS.*"), env + ": " + plain);
        }
    }

    /** {@code triagebot triage local} with a pseudo-terminal for its input and output; what it printed. */
    private String onTerminal(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = quote(java) + " -cp " + quote(System.getProperty("java.class.path")) + " "
                + Main.class.getName() + " triage local --window 0.3";
        Path out = dir.resolve("terminal.txt");
        shell(env, "script", "-q", "-e", "-c", command, out.toString());
        String typescript = Files.readString(out, StandardCharsets.UTF_8).replace("\r\n", "\n");
        // script writes a "Script started" header line to its file; the report follows it.
        int start = typescript.indexOf('\n') + 1;
        return typescript.substring(start).replaceAll("(?s)\nScript done.*", "");
    }

    /** Runs bash's completion function for the words typed so far; the last word is the one completed. */
    private static List<String> complete(Path script, String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append(quote(w)).append(' ');
        }
        String out = shell(Map.of(), "bash", "-c", "source " + quote(script.toString()) + "; COMP_WORDS=(" + array
                + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE};"
                // compopt complains outside a real completion; what it says is no candidate.
                + " _complete_triagebot 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"");
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static String shell(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("NO_COLOR");
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
