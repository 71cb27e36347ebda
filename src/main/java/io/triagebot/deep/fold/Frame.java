package io.triagebot.deep.fold;

/**
 * One frame of a folded stack.
 *
 * @param name the function, or for the root frame the process name; an unsymbolised frame is named after
 *     its binary ("[libc.so.6]") or "[unknown]"
 */
public record Frame(String name, Kind kind) {

    /** What a frame is, for colours and for telling the reader about missing symbols. */
    public enum Kind {
        /** The root frame: the process (command) name. */
        PROCESS,
        /** A kernel function. */
        KERNEL,
        /** A user-space function with a symbol. */
        USER,
        /** A frame without a symbol: no debug symbols, no frame pointers, or a JIT without a perf map. */
        UNSYMBOLISED,
        /** Stacks and frames merged because of the size bounds. */
        OTHER
    }

    /** Longest name kept; C++ templates can run to kilobytes. */
    public static final int MAX_NAME = 300;

    public Frame {
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME - 3) + "...";
        }
    }
}
