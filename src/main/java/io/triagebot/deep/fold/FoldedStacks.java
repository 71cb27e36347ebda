package io.triagebot.deep.fold;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stacks folded the way stackcollapse-perf folds them: root first (the process name, then the outermost
 * function down to the leaf), each distinct stack once with its summed weight. Bounded: at most
 * {@link #MAX_STACKS} distinct stacks (later new ones are merged into one "[other stacks]" per process)
 * and {@link #MAX_DEPTH} frames per stack (deeper frames are cut, marked "[deeper frames cut]").
 */
public final class FoldedStacks {

    public static final int MAX_STACKS = 20_000;
    public static final int MAX_DEPTH = 128;

    private final Map<List<Frame>, Long> stacks = new LinkedHashMap<>();
    private long total;
    private long userFrames;
    private long unsymbolisedUserFrames;
    private long kernelFrames;
    private long unsymbolisedKernelFrames;
    private long merged;

    /** Adds one stack, root first, with its weight (samples, microseconds...). */
    public void add(List<Frame> rootFirst, long weight) {
        if (weight <= 0 || rootFirst.isEmpty()) {
            return;
        }
        List<Frame> stack = rootFirst;
        if (stack.size() > MAX_DEPTH) {
            stack = new ArrayList<>(stack.subList(0, MAX_DEPTH - 1));
            stack.add(new Frame("[deeper frames cut]", Frame.Kind.OTHER));
        }
        for (Frame f : stack) {
            switch (f.kind()) {
                case USER -> userFrames += weight;
                case KERNEL -> kernelFrames += weight;
                case UNSYMBOLISED -> {
                    if (f.name().startsWith("[kernel")) {
                        kernelFrames += weight;
                        unsymbolisedKernelFrames += weight;
                    } else {
                        userFrames += weight;
                        unsymbolisedUserFrames += weight;
                    }
                }
                default -> {
                }
            }
        }
        List<Frame> key = List.copyOf(stack);
        if (!stacks.containsKey(key) && stacks.size() >= MAX_STACKS) {
            key = List.of(stack.get(0), new Frame("[other stacks]", Frame.Kind.OTHER));
            merged += weight;
        }
        stacks.merge(key, weight, Long::sum);
        total += weight;
    }

    /** Every distinct stack with its weight, heaviest first. */
    public List<Map.Entry<List<Frame>, Long>> heaviestFirst() {
        List<Map.Entry<List<Frame>, Long>> out = new ArrayList<>(stacks.entrySet());
        out.sort(Map.Entry.<List<Frame>, Long>comparingByValue(Comparator.reverseOrder()));
        return out;
    }

    public Map<List<Frame>, Long> stacks() {
        return java.util.Collections.unmodifiableMap(stacks);
    }

    public long total() {
        return total;
    }

    public boolean isEmpty() {
        return total == 0;
    }

    /** Weight-summed user-space frames, and of those, the unsymbolised ones. */
    public long userFrames() {
        return userFrames;
    }

    public long unsymbolisedUserFrames() {
        return unsymbolisedUserFrames;
    }

    public long kernelFrames() {
        return kernelFrames;
    }

    public long unsymbolisedKernelFrames() {
        return unsymbolisedKernelFrames;
    }

    /** Weight that went into "[other stacks]" because of {@link #MAX_STACKS}. */
    public long merged() {
        return merged;
    }

    /** The stackcollapse text form: "comm;outer;...;leaf weight" a line, heaviest first. */
    public String toFoldedText() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<List<Frame>, Long> e : heaviestFirst()) {
            for (int i = 0; i < e.getKey().size(); i++) {
                out.append(i == 0 ? "" : ";").append(e.getKey().get(i).name().replace(';', ':').replace('\n', ' '));
            }
            out.append(' ').append(e.getValue()).append('\n');
        }
        return out.toString();
    }
}
