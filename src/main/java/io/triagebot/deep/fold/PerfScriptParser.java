package io.triagebot.deep.fold;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Folds {@code perf script -F comm,pid,ip,sym,dso} output: a sample is a header line (command, pid) and
 * one indented line per frame, leaf first ({@code "\tffffffff81704186 __d_lookup_rcu ([kernel.kallsyms])"}),
 * ended by a blank line. Every sample weighs 1. Lines that fit neither form are counted and skipped: the
 * text comes from a host and may be cut anywhere.
 */
public final class PerfScriptParser {

    private static final Pattern HEX = Pattern.compile("(0x)?[0-9a-fA-F]+");
    private static final Pattern OFFSET = Pattern.compile("\\+0x[0-9a-fA-F]+$");

    private PerfScriptParser() {
    }

    /** The stacks, and how many lines did not parse. */
    public record Result(FoldedStacks stacks, int samples, int skippedLines) {
    }

    public static Result parse(String text) {
        FoldedStacks stacks = new FoldedStacks();
        String comm = null;
        List<Frame> leafFirst = new ArrayList<>();
        int samples = 0;
        int skipped = 0;
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                if (comm != null) {
                    add(stacks, comm, leafFirst);
                    samples++;
                }
                comm = null;
                leafFirst.clear();
            } else if (line.startsWith("#")) {
                continue;
            } else if (!Character.isWhitespace(line.charAt(0))) {
                if (comm != null) {
                    add(stacks, comm, leafFirst);
                    samples++;
                }
                comm = command(line);
                leafFirst.clear();
            } else if (comm != null) {
                Frame f = frame(line.strip());
                if (f == null) {
                    skipped++;
                } else {
                    leafFirst.add(f);
                }
            } else {
                skipped++;
            }
        }
        if (comm != null) {
            add(stacks, comm, leafFirst);
            samples++;
        }
        return new Result(stacks, samples, skipped);
    }

    private static void add(FoldedStacks stacks, String comm, List<Frame> leafFirst) {
        List<Frame> rootFirst = new ArrayList<>(leafFirst.size() + 1);
        rootFirst.add(new Frame(comm, Frame.Kind.PROCESS));
        List<Frame> frames = new ArrayList<>(leafFirst);
        Collections.reverse(frames);
        rootFirst.addAll(frames);
        stacks.add(rootFirst, 1);
    }

    /** "C2 CompilerThre 10039 " -> "C2 CompilerThre": the command may contain spaces; the pid is last. */
    static String command(String header) {
        String h = header.strip();
        int space = h.lastIndexOf(' ');
        if (space > 0 && h.substring(space + 1).chars().allMatch(Character::isDigit)) {
            h = h.substring(0, space).strip();
        }
        return h.isEmpty() ? "[unknown]" : h;
    }

    /** "ffffffff81704186 __d_lookup_rcu ([kernel.kallsyms])", or null when the line is not a frame. */
    static Frame frame(String line) {
        int space = line.indexOf(' ');
        if (space <= 0 || !HEX.matcher(line.substring(0, space)).matches()) {
            return null;
        }
        String address = line.substring(0, space);
        String rest = line.substring(space + 1).strip();
        String dso = "";
        int open = rest.lastIndexOf(" (");
        if (rest.endsWith(")") && open >= 0) {
            dso = rest.substring(open + 2, rest.length() - 1);
            rest = rest.substring(0, open).strip();
        } else if (rest.startsWith("(") && rest.endsWith(")")) {
            dso = rest.substring(1, rest.length() - 1);
            rest = "";
        }
        String symbol = OFFSET.matcher(rest).replaceFirst("");
        boolean kernel = isKernelAddress(address) || dso.startsWith("[kernel");
        if (symbol.isEmpty() || symbol.equals("[unknown]") || HEX.matcher(symbol).matches()) {
            String where = dso.isEmpty() || dso.equals("[unknown]") ? (kernel ? "[kernel]" : "[unknown]")
                    : "[" + baseName(dso) + "]";
            return new Frame(where, Frame.Kind.UNSYMBOLISED);
        }
        return new Frame(symbol, kernel ? Frame.Kind.KERNEL : Frame.Kind.USER);
    }

    /**
     * Kernel text lives at the top of the address space on 64-bit Linux (0xffff... on x86_64 and arm64).
     * Other 16-digit addresses with the top bit set are garbage from walking a stack without frame pointers.
     */
    static boolean isKernelAddress(String hex) {
        String h = hex.startsWith("0x") ? hex.substring(2) : hex;
        return h.length() == 16 && h.regionMatches(true, 0, "ffff", 0, 4);
    }

    private static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        String base = slash >= 0 && slash < path.length() - 1 ? path.substring(slash + 1) : path;
        return base.startsWith("[") && base.endsWith("]") ? base.substring(1, base.length() - 1) : base;
    }
}
