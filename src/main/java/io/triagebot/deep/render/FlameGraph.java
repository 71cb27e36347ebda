package io.triagebot.deep.render;

import io.triagebot.deep.fold.FoldedStacks;
import io.triagebot.deep.fold.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The layout of a flame graph, shared by the SVG and the PNG: one box per frame, as wide as the weight of
 * the stacks passing through it, children sorted by name inside their parent (so equal frames merge, as
 * in flamegraph.pl). Bounded: siblings narrower than {@link #minFraction()} of the whole are merged into
 * one "[other]" box, and at most {@link #MAX_BOXES} boxes are drawn (the threshold rises until they fit).
 */
public final class FlameGraph {

    /** Enough detail for any screen, small enough for a chat upload and a browser. */
    public static final int MAX_BOXES = 4_000;
    /** A box narrower than a tenth of a pixel at 1200 px is invisible anyway (flamegraph.pl's minwidth). */
    static final double MIN_FRACTION = 0.1 / 1200;

    /**
     * One drawn frame.
     *
     * @param start offset from the left, in weight units
     * @param depth 0 for the root ("all")
     */
    public record Box(String name, Frame.Kind kind, int depth, long start, long weight) {
    }

    private final List<Box> boxes;
    private final long total;
    private final int maxDepth;
    private final double minFraction;

    private FlameGraph(List<Box> boxes, long total, int maxDepth, double minFraction) {
        this.boxes = List.copyOf(boxes);
        this.total = total;
        this.maxDepth = maxDepth;
        this.minFraction = minFraction;
    }

    public static FlameGraph of(FoldedStacks stacks) {
        Node root = new Node("all", Frame.Kind.OTHER);
        for (Map.Entry<List<Frame>, Long> e : stacks.stacks().entrySet()) {
            root.add(e.getKey(), 0, e.getValue());
        }
        double fraction = MIN_FRACTION;
        List<Box> boxes = new ArrayList<>();
        while (true) {
            boxes.clear();
            long threshold = Math.max(1, (long) Math.ceil(root.weight * fraction));
            root.layout(0, 0, threshold, boxes);
            if (boxes.size() <= MAX_BOXES) {
                break;
            }
            fraction *= 2;
        }
        int depth = boxes.stream().mapToInt(Box::depth).max().orElse(0);
        return new FlameGraph(boxes, root.weight, depth, fraction);
    }

    public List<Box> boxes() {
        return boxes;
    }

    public long total() {
        return total;
    }

    public int maxDepth() {
        return maxDepth;
    }

    /** Boxes below this share of the total were merged into "[other]". */
    public double minFraction() {
        return minFraction;
    }

    /** A tree of frames; children keyed by kind and name so identical frames merge. */
    private static final class Node {
        final String name;
        final Frame.Kind kind;
        long weight;
        final TreeMap<String, Node> children = new TreeMap<>();

        Node(String name, Frame.Kind kind) {
            this.name = name;
            this.kind = kind;
        }

        void add(List<Frame> stack, int index, long w) {
            weight += w;
            if (index < stack.size()) {
                Frame f = stack.get(index);
                children.computeIfAbsent(f.name() + "\u0000" + f.kind(), k -> new Node(f.name(), f.kind()))
                        .add(stack, index + 1, w);
            }
        }

        void layout(int depth, long start, long threshold, List<Box> out) {
            out.add(new Box(name, kind, depth, start, weight));
            long x = start;
            long other = 0;
            for (Node child : children.values()) {
                if (child.weight < threshold) {
                    other += child.weight;
                    continue;
                }
                child.layout(depth + 1, x, threshold, out);
                x += child.weight;
            }
            if (other >= threshold) {
                out.add(new Box("[other]", Frame.Kind.OTHER, depth + 1, x, other));
            }
        }
    }
}
