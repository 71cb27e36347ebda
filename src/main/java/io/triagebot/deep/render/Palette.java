package io.triagebot.deep.render;

import io.triagebot.deep.fold.Frame;

/**
 * Flame graph colours: warm for user space (the classic "hot" palette), orange for the kernel, grey for
 * frames without symbols and merged boxes, lilac for processes. The shade comes from a hash of the name,
 * so a function keeps its colour across graphs and the SVG and PNG agree.
 */
final class Palette {

    private Palette() {
    }

    /** {red, green, blue}. */
    static int[] rgb(String name, Frame.Kind kind) {
        int h = name.hashCode();
        double v1 = ((h >>> 8) & 0xff) / 255.0;
        double v2 = ((h >>> 16) & 0xff) / 255.0;
        return switch (kind) {
            case KERNEL -> new int[] {(int) (220 + 35 * v1), (int) (120 + 60 * v2), (int) (40 + 30 * v1)};
            case UNSYMBOLISED -> new int[] {(int) (175 + 30 * v1), (int) (175 + 30 * v1), (int) (175 + 30 * v1)};
            case OTHER -> new int[] {225, 225, 225};
            case PROCESS -> new int[] {(int) (170 + 30 * v1), (int) (150 + 30 * v2), 225};
            default -> new int[] {(int) (205 + 50 * v1), (int) (230 * v2), (int) (55 * v1)};
        };
    }

    static String css(String name, Frame.Kind kind) {
        int[] c = rgb(name, kind);
        return "rgb(" + c[0] + "," + c[1] + "," + c[2] + ")";
    }
}
