package io.triagebot.deep.fold;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Folds a bpftrace map keyed by a process name and a kernel stack, as bpftrace prints it at exit:
 * <pre>
 * &#64;offcpu[sshd,
 *     __schedule+1576
 *     schedule+35
 *     ...
 * ]: 1234
 * </pre>
 * Frames come leaf first with a decimal offset; an address bpftrace could not resolve is printed bare
 * (hex) and counts as unsymbolised. Anything else (other maps, "Attaching N probes...") is skipped.
 */
public final class BpftraceStacksParser {

    private static final Pattern END = Pattern.compile("^\\]: (\\d+)$");
    private static final Pattern OFFSET = Pattern.compile("\\+\\d+$");
    private static final Pattern HEX = Pattern.compile("(0x)?[0-9a-fA-F]{8,}");

    private BpftraceStacksParser() {
    }

    /** The stacks, and how many entries were incomplete (output cut mid-entry). */
    public record Result(FoldedStacks stacks, int entries, int incomplete) {
    }

    public static Result parse(String text, String map) {
        FoldedStacks stacks = new FoldedStacks();
        String start = "@" + map + "[";
        String comm = null;
        List<Frame> leafFirst = new ArrayList<>();
        int entries = 0;
        int incomplete = 0;
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (raw.startsWith(start)) {
                if (comm != null) {
                    incomplete++;
                }
                String key = raw.substring(start.length()).stripTrailing();
                comm = key.endsWith(",") ? key.substring(0, key.length() - 1) : key;
                leafFirst.clear();
                continue;
            }
            if (comm == null) {
                continue;
            }
            Matcher end = END.matcher(line);
            if (end.matches()) {
                List<Frame> rootFirst = new ArrayList<>();
                rootFirst.add(new Frame(comm.isEmpty() ? "[unknown]" : comm, Frame.Kind.PROCESS));
                Collections.reverse(leafFirst);
                rootFirst.addAll(leafFirst);
                stacks.add(rootFirst, parseWeight(end.group(1)));
                entries++;
                comm = null;
                leafFirst.clear();
            } else if (!line.isEmpty()) {
                leafFirst.add(frame(line));
            }
        }
        if (comm != null) {
            incomplete++;
        }
        return new Result(stacks, entries, incomplete);
    }

    static Frame frame(String line) {
        String symbol = OFFSET.matcher(line).replaceFirst("");
        if (HEX.matcher(symbol).matches()) {
            return new Frame("[kernel]", Frame.Kind.UNSYMBOLISED);
        }
        return new Frame(symbol, Frame.Kind.KERNEL);
    }

    private static long parseWeight(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE / 4; // 19+ digits: absurd, but keep it large rather than lose it
        }
    }
}
