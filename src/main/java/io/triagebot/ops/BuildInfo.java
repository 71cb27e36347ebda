package io.triagebot.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What this build is: the project version and the git commit it was built from. The build writes them
 * into {@code build.properties} beside this class (pom.xml, the {@code build-info} step, which asks the git
 * command); {@code triagebot --version}, the start of {@code serve} and {@code triagebot_build_info} read
 * them from here.
 *
 * <p>A build outside a git checkout (a source tarball, an image built without {@code .git}) has no commit:
 * it reads {@value #UNKNOWN} and {@link #describe()} says why. Classes run without the build (an IDE) have
 * no version either: it reads {@value #DEV}.
 *
 * @param version    the project version, e.g. {@code 0.1.0}
 * @param commit     the abbreviated commit id, or {@value #UNKNOWN}
 * @param commitTime when that commit was made (ISO 8601), or {@value #UNKNOWN}
 * @param dirty      the working tree had uncommitted changes at build time
 */
public record BuildInfo(String version, String commit, String commitTime, boolean dirty) {

    /** The commit (and its time) of a build that could not read one. */
    public static final String UNKNOWN = "unknown";
    /** The version of classes that were not built by Maven. */
    public static final String DEV = "dev";

    private static final String RESOURCE = "build.properties";
    /** Only what a version or a commit id can look like reaches a metric label or a log line. */
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");
    private static final Pattern TIME = Pattern.compile("[0-9T:.+Z-]{10,32}");

    private static final BuildInfo CURRENT = load();

    /** This build, read once. */
    public static BuildInfo current() {
        return CURRENT;
    }

    /** From the properties the build wrote; anything missing, unfilled or malformed reads as unknown. */
    static BuildInfo from(Properties p) {
        return new BuildInfo(value(p, "version", VERSION, DEV), value(p, "commit", COMMIT, UNKNOWN),
                value(p, "commitTime", TIME, UNKNOWN), "true".equals(p.getProperty("dirty", "").strip()));
    }

    /** True when the build knew its commit. */
    public boolean hasCommit() {
        return !UNKNOWN.equals(commit);
    }

    /** The commit as a label value: the id, {@code -dirty} when built from uncommitted changes. */
    public String commitLabel() {
        return hasCommit() && dirty ? commit + "-dirty" : commit;
    }

    /**
     * One line for humans: {@code 0.1.0 (commit 061cd6d86c30, 2026-11-25T04:01:54Z)}, or
     * {@code 0.1.0 (commit unknown: not built from a git checkout)}.
     */
    public String describe() {
        if (!hasCommit()) {
            return version + " (commit unknown: not built from a git checkout)";
        }
        return version + " (commit " + commitLabel() + (UNKNOWN.equals(commitTime) ? "" : ", " + commitTime) + ")";
    }

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the jar", e);
        }
        return from(p);
    }

    private static String value(Properties p, String key, Pattern shape, String otherwise) {
        String v = p.getProperty(key);
        // "unknown", an empty value or a placeholder left unfilled fails the shape like any other bad value.
        return v != null && shape.matcher(v.strip()).matches() ? v.strip() : otherwise;
    }
}
