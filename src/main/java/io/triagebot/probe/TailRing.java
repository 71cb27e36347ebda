package io.triagebot.probe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines of a stream, within a number of lines and of bytes, in memory that grows to those bounds
 * and no further: a log flooded for minutes rotates through the same arrays.
 */
final class TailRing {

    /** What making room cost: the oldest lines, dropped. */
    record Dropped(int lines, long bytes) {
    }

    private static final Dropped NONE = new Dropped(0, 0);

    private final int maxLines;
    private final int maxBytes;
    private byte[] data = new byte[4096];
    private final int[] lengths;
    private int firstLine;
    private int lineCount;
    private int start;
    private int used;

    TailRing(int maxLines, int maxBytes) {
        this.maxLines = Math.max(1, maxLines);
        this.maxBytes = Math.max(1, maxBytes);
        this.lengths = new int[this.maxLines];
    }

    /** Appends a line (without its newline), dropping the oldest as needed; a line over the bound is cut. */
    Dropped add(byte[] line, int length) {
        int len = Math.min(length, maxBytes);
        int droppedLines = 0;
        long droppedBytes = 0;
        while (lineCount > 0 && (lineCount == maxLines || used + len > maxBytes)) {
            int oldest = lengths[firstLine];
            start = (start + oldest) % Math.max(1, data.length);
            used -= oldest;
            firstLine = (firstLine + 1) % maxLines;
            lineCount--;
            droppedLines++;
            droppedBytes += oldest + 1L;
        }
        ensureCapacity(used + len);
        for (int i = 0; i < len; i++) {
            data[(start + used + i) % data.length] = line[i];
        }
        used += len;
        lengths[(firstLine + lineCount) % maxLines] = len;
        lineCount++;
        return droppedLines == 0 ? NONE : new Dropped(droppedLines, droppedBytes);
    }

    private void ensureCapacity(int needed) {
        if (needed <= data.length) {
            return;
        }
        int size = data.length;
        while (size < needed) {
            size = (int) Math.min((long) size * 2, maxBytes);
        }
        byte[] grown = new byte[size];
        for (int i = 0; i < used; i++) {
            grown[i] = data[(start + i) % data.length];
        }
        data = grown;
        start = 0;
    }

    List<String> lines() {
        List<String> out = new ArrayList<>(lineCount);
        int offset = start;
        byte[] buffer = new byte[ParseLimits.MAX_LINE_BYTES];
        for (int k = 0; k < lineCount; k++) {
            int len = lengths[(firstLine + k) % maxLines];
            byte[] target = len <= buffer.length ? buffer : new byte[len];
            for (int i = 0; i < len; i++) {
                target[i] = data[(offset + i) % data.length];
            }
            out.add(new String(target, 0, len, StandardCharsets.UTF_8));
            offset = (offset + len) % data.length;
        }
        return List.copyOf(out);
    }
}
