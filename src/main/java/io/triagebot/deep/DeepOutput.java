package io.triagebot.deep;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a deep probe script printed, split along its markers ({@link DeepScript}): the prerequisites it
 * found missing, warnings, the tool's own output and exit status, and how the script ended.
 *
 * @param toolExit the tool's exit status, or null when it did not end on its own (deadline, cut, killed)
 */
public record DeepOutput(List<Missing> missing, List<Warning> warnings, String toolOutput, Integer toolExit,
        boolean started, boolean finished, boolean watchdogFired) {

    /** A missing prerequisite, with the detail the host gave ("uid 1001", "2", "sched:sched_switch"). */
    public record Missing(Requirement requirement, String detail) {
    }

    /** Something that degrades the result without stopping it. */
    public record Warning(String code, String detail) {
    }

    public DeepOutput {
        missing = List.copyOf(missing);
        warnings = List.copyOf(warnings);
    }

    /** Longest detail kept from a marker line: the host writes it. */
    static final int MAX_DETAIL = 200;

    /** Splits {@code stdout} on the markers of {@code nonce}; never throws on hostile or cut output. */
    public static DeepOutput parse(byte[] stdout, String nonce) {
        String text = new String(stdout, StandardCharsets.UTF_8);
        List<Missing> missing = new ArrayList<>();
        List<Warning> warnings = new ArrayList<>();
        StringBuilder tool = new StringBuilder();
        Integer exit = null;
        boolean started = false;
        boolean inTool = false;
        boolean finished = false;
        boolean watchdog = false;
        String prefix = nonce + " ";
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            String line = text.substring(from, nl < 0 ? text.length() : nl);
            from = nl < 0 ? text.length() : nl + 1;
            int at = line.indexOf(prefix);
            if (at < 0) {
                if (inTool) {
                    tool.append(line).append('\n');
                }
                continue;
            }
            if (at > 0 && inTool) {
                tool.append(line, 0, at).append('\n'); // the tool's last line had no newline
            }
            String[] f = line.substring(at + prefix.length()).split(" ", 3);
            switch (f[0]) {
                case "U" -> {
                    Requirement r = f.length > 1 ? Requirement.byKey(f[1]) : null;
                    if (r != null) {
                        missing.add(new Missing(r, f.length > 2 ? clip(f[2]) : ""));
                    }
                }
                case "W" -> warnings.add(new Warning(f.length > 1 ? clip(f[1]) : "", f.length > 2 ? clip(f[2]) : ""));
                case "B" -> {
                    started = true;
                    inTool = true;
                }
                case "E" -> {
                    inTool = false;
                    exit = f.length > 1 ? exitCode(f[1]) : null;
                }
                case "X" -> {
                    inTool = false;
                    watchdog = true;
                }
                case "Z" -> {
                    inTool = false;
                    finished = true;
                }
                default -> {
                }
            }
        }
        return new DeepOutput(missing, warnings, tool.toString(), exit, started, finished, watchdog);
    }

    private static Integer exitCode(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String clip(String s) {
        String printable = s.replaceAll("[\\p{Cntrl}]", "?");
        return printable.length() > MAX_DETAIL ? printable.substring(0, MAX_DETAIL) + "..." : printable;
    }
}
