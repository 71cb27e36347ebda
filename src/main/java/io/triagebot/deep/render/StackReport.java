package io.triagebot.deep.render;

import io.triagebot.deep.fold.FoldedStacks;
import io.triagebot.deep.fold.Frame;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The text beside a flame graph: the heaviest processes, stacks and functions with their shares, the idle
 * share of a CPU profile, and a note when frames lack symbols (with how to fix it).
 */
public final class StackReport {

    static final int TOP = 10;
    /** Frames of a stack shown (the leaf end; the rest is elided). */
    static final int STACK_FRAMES = 6;
    /** Below this share of user frames without symbols, the note would be noise. */
    static final double UNSYMBOLISED_NOTE = 0.01;

    private StackReport() {
    }

    /** A function's weight as the leaf (self) and anywhere on the stack (total, counted once per stack). */
    record FunctionWeight(String name, long self, long total) {
    }

    public static String render(FoldedStacks stacks, String unit) {
        StringBuilder s = new StringBuilder();
        long total = stacks.total();
        s.append("Top processes:\n");
        for (Map.Entry<String, Long> e : top(processes(stacks))) {
            s.append(String.format(Locale.ROOT, "  %7s  %s%n", Percent.of(e.getValue(), total), e.getKey()));
        }
        s.append("Top stacks (root ... leaf):\n");
        for (Map.Entry<List<Frame>, Long> e : stacks.heaviestFirst().subList(0, Math.min(TOP, stacks.stacks().size()))) {
            s.append(String.format(Locale.ROOT, "  %7s  %s%n", Percent.of(e.getValue(), total), describe(e.getKey())));
        }
        s.append("Top functions (self: at the leaf; total: anywhere on the stack):\n");
        for (FunctionWeight f : functions(stacks)) {
            s.append(String.format(Locale.ROOT, "  self %7s  total %7s  %s%n", Percent.of(f.self(), total),
                    Percent.of(f.total(), total), f.name()));
        }
        String note = symbolNote(stacks);
        if (!note.isEmpty()) {
            s.append(note).append('\n');
        }
        if (stacks.merged() > 0) {
            s.append(String.format(Locale.ROOT, "More than %,d distinct stacks: %s of the %s went to [other stacks].%n",
                    FoldedStacks.MAX_STACKS, Percent.of(stacks.merged(), total), unit));
        }
        return s.toString();
    }

    /** Share of a CPU profile spent idle (the swapper/idle task), or -1 when there was no sample. */
    public static double idleShare(FoldedStacks stacks) {
        if (stacks.total() == 0) {
            return -1;
        }
        long idle = processes(stacks).entrySet().stream().filter(e -> e.getKey().startsWith("swapper"))
                .mapToLong(Map.Entry::getValue).sum();
        return (double) idle / stacks.total();
    }

    /** Weight per process (the root frame), heaviest first. */
    public static Map<String, Long> processes(FoldedStacks stacks) {
        Map<String, Long> out = new HashMap<>();
        stacks.stacks().forEach((stack, w) -> out.merge(stack.get(0).name(), w, Long::sum));
        return out;
    }

    static List<FunctionWeight> functions(FoldedStacks stacks) {
        Map<String, long[]> weights = new HashMap<>();
        stacks.stacks().forEach((stack, w) -> {
            Set<String> seen = new HashSet<>();
            for (int i = 1; i < stack.size(); i++) {
                String name = stack.get(i).name();
                long[] sw = weights.computeIfAbsent(name, k -> new long[2]);
                if (seen.add(name)) {
                    sw[1] += w;
                }
                if (i == stack.size() - 1) {
                    sw[0] += w;
                }
            }
        });
        List<FunctionWeight> out = new ArrayList<>();
        weights.forEach((name, sw) -> out.add(new FunctionWeight(name, sw[0], sw[1])));
        out.sort(Comparator.comparingLong(FunctionWeight::self).reversed()
                .thenComparing(Comparator.comparingLong(FunctionWeight::total).reversed())
                .thenComparing(FunctionWeight::name));
        return out.subList(0, Math.min(TOP, out.size()));
    }

    /** "java;...;Interpreter;[libjvm.so]": the process, then the last frames. */
    static String describe(List<Frame> stack) {
        StringBuilder s = new StringBuilder(stack.get(0).name());
        int from = Math.max(1, stack.size() - STACK_FRAMES);
        if (from > 1) {
            s.append(";...");
        }
        for (int i = from; i < stack.size(); i++) {
            s.append(';').append(stack.get(i).name());
        }
        return s.toString();
    }

    /** Says when frames lack symbols and how to get them; empty when symbols are fine. */
    public static String symbolNote(FoldedStacks stacks) {
        StringBuilder s = new StringBuilder();
        if (stacks.userFrames() > 0 && (double) stacks.unsymbolisedUserFrames() / stacks.userFrames() >= UNSYMBOLISED_NOTE) {
            s.append("Unsymbolised user-space frames: ")
                    .append(Percent.of(stacks.unsymbolisedUserFrames(), stacks.userFrames()))
                    .append(" of user frames show as [binary] or [unknown]").append(examples(stacks)).append(". ")
                    .append("To name them: install debug symbols on the host (Debian/Ubuntu -dbgsym packages,"
                            + " RHEL debuginfo), build with frame pointers (-fno-omit-frame-pointer) so perf can walk"
                            + " the stack, and for JIT runtimes write /tmp/perf-PID.map (Java: -XX:+DumpPerfMapAtExit"
                            + " or perf-map-agent; Node.js: --perf-basic-prof).");
        }
        if (stacks.kernelFrames() > 0 && (double) stacks.unsymbolisedKernelFrames() / stacks.kernelFrames() >= UNSYMBOLISED_NOTE) {
            if (s.length() > 0) {
                s.append('\n');
            }
            s.append("Unsymbolised kernel frames: ")
                    .append(Percent.of(stacks.unsymbolisedKernelFrames(), stacks.kernelFrames()))
                    .append(" of kernel frames. kernel.kptr_restrict hides kernel addresses from non-root users:"
                            + " profile as root, or set kernel.kptr_restrict=0.");
        }
        return s.toString();
    }

    private static String examples(FoldedStacks stacks) {
        Map<String, Long> binaries = new LinkedHashMap<>();
        stacks.stacks().forEach((stack, w) -> stack.stream().filter(f -> f.kind() == Frame.Kind.UNSYMBOLISED
                && !f.name().startsWith("[kernel")).map(Frame::name).distinct()
                .forEach(n -> binaries.merge(n, w, Long::sum)));
        List<String> names = binaries.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3).map(Map.Entry::getKey).toList();
        return names.isEmpty() ? "" : " (most in " + String.join(", ", names) + ")";
    }

    private static <K> List<Map.Entry<K, Long>> top(Map<K, Long> weights) {
        return weights.entrySet().stream().sorted(Map.Entry.<K, Long>comparingByValue().reversed()).limit(TOP).toList();
    }
}
