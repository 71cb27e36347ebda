package io.triagebot.probe;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the stream parser may keep of a collector run: every bound is applied while the stream is read,
 * so a host printing without end costs a bounded amount of memory, whatever it prints.
 *
 * <ul>
 *   <li>a line: {@link #maxLineBytes} (the rest of a longer line is skipped as it arrives);</li>
 *   <li>a probe, per sample: its catalog {@code maxLines} (per file for file probes) and
 *       {@link #probeBytes(int)} bytes;</li>
 *   <li>the whole run: {@link #maxKeptBytes}, counted as bytes plus {@value #LINE_OVERHEAD} per line kept,
 *       which is roughly what a line costs on the heap.</li>
 * </ul>
 */
public final class ParseLimits {

    /** No procfs line comes near this; a longer one is junk and is shortened. */
    public static final int MAX_LINE_BYTES = 16 * 1024;
    /** Heap cost of one kept line beyond its bytes: a String, its array header and a list slot. */
    public static final int LINE_OVERHEAD = 48;
    static final long MIN_PROBE_BYTES = 256 * 1024;
    static final long MAX_PROBE_BYTES = 8 * 1024 * 1024;
    /** Path-to-probe answers cached; cgroup trees name thousands of files, each looked up once a sample. */
    private static final int CACHE_LIMIT = 8192;

    /** How one probe's output is bounded. */
    public record Section(String probe, int maxLines, long maxBytes, boolean keepTail) {
    }

    private final long maxKeptBytes;
    private final Map<String, Section> commands;
    private final Map<String, Section> filesByProbe;
    private final Map<String, Pattern> globs;
    private final Section unknown;
    private final Map<String, Section> pathCache = new HashMap<>();

    private ParseLimits(long maxKeptBytes, Map<String, Section> commands, Map<String, Section> filesByProbe,
            Map<String, Pattern> globs, Section unknown) {
        this.maxKeptBytes = maxKeptBytes;
        this.commands = commands;
        this.filesByProbe = filesByProbe;
        this.globs = globs;
        this.unknown = unknown;
    }

    /** Bounds from a catalog: each probe's maxLines and a byte bound derived from it. */
    public static ParseLimits of(ProbeCatalog catalog, long maxKeptBytes) {
        Map<String, Section> commands = new LinkedHashMap<>();
        Map<String, Section> files = new LinkedHashMap<>();
        Map<String, Pattern> globs = new LinkedHashMap<>();
        for (ProbeDefinition p : catalog.probes()) {
            Section s = new Section(p.id(), p.maxLines(), probeBytes(p.maxLines()), p.keepTail());
            if (p.isCommand()) {
                commands.put(p.id(), s);
            } else {
                files.put(p.id(), s);
                for (String f : p.files()) {
                    globs.put(p.id() + "\u0000" + f, ProbeReadingAssembler.globRegex(f));
                }
            }
        }
        return new ParseLimits(maxKeptBytes, Map.copyOf(commands), Map.copyOf(files), globs,
                new Section("unknown", 20_000, probeBytes(20_000), false));
    }

    /** Bounds without a catalog (a replayed stream parsed on its own): generous per-section defaults. */
    public static ParseLimits generic(long maxKeptBytes) {
        return of(new ProbeCatalog(List.of()), maxKeptBytes);
    }

    /** The byte bound of a probe with {@code maxLines}: 256 bytes a line, between 256 KiB and 8 MiB. */
    public static long probeBytes(int maxLines) {
        return Math.max(MIN_PROBE_BYTES, Math.min(MAX_PROBE_BYTES, maxLines * 256L));
    }

    public long maxKeptBytes() {
        return maxKeptBytes;
    }

    /** The bound of a command probe's output; an id the catalog does not know gets the generic one. */
    Section command(String probe) {
        Section s = commands.get(probe);
        return s != null ? s : new Section(probe, unknown.maxLines(), unknown.maxBytes(), false);
    }

    /** The bound of a kernel file's output: that of the first probe whose paths match it. */
    Section file(String path) {
        Section cached = pathCache.get(path);
        if (cached != null) {
            return cached;
        }
        Section found = unknown;
        for (Map.Entry<String, Pattern> e : globs.entrySet()) {
            if (e.getValue().matcher(path).matches()) {
                found = filesByProbe.get(e.getKey().substring(0, e.getKey().indexOf('\u0000')));
                break;
            }
        }
        if (pathCache.size() < CACHE_LIMIT) {
            pathCache.put(path, found);
        }
        return found;
    }

    /** A fresh copy for one parse: the path cache is not shared between threads. */
    ParseLimits forOneRun() {
        return new ParseLimits(maxKeptBytes, commands, filesByProbe, globs, unknown);
    }
}
