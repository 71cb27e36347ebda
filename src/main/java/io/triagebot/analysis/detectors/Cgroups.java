package io.triagebot.analysis.detectors;

/** Naming cgroups for people and for systemd. */
final class Cgroups {

    private Cgroups() {
    }

    /** A unit name as systemd writes it in a cgroup path (its \\x2d escapes included). */
    private static final java.util.regex.Pattern UNIT_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9:_.@\\\\-]{1,255}");

    /**
     * The system unit a cgroup path names, or null. Only a path systemd itself lays out for the system
     * manager qualifies: {@code /system.slice}, then only {@code .slice} components, then the unit
     * ({@code /system.slice/db.service}, {@code /system.slice/app.slice/web.service}). A name is host data:
     * anyone may create {@code /user.slice/user-1000.slice/user@1000.service/x/postgresql.service}, and a
     * delegated service its own sub-groups, so everything under {@code user.slice}, under a service or
     * scope, or outside {@code system.slice} gives null and no runbook is ever aimed at a system unit from
     * it. The action's precondition still checks that the unit's ControlGroup is this path.
     */
    static String unit(String path) {
        if (path == null || !path.startsWith("/system.slice")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (!UNIT_NAME.matcher(part).matches() || part.startsWith(".") || part.startsWith("-")) {
                return null;
            }
            boolean last = i == parts.length - 1;
            if (!last && !part.endsWith(".slice")) {
                return null;
            }
            if (last && !(part.endsWith(".service") || part.endsWith(".scope") || part.endsWith(".slice"))) {
                return null;
            }
        }
        return parts[parts.length - 1];
    }

    /** A host-derived word (a path, a device, a unit) as it goes into a suggested command: shell-quoted if needed. */
    static String word(String hostWord) {
        return io.triagebot.shell.ShellWords.human(hostWord);
    }

    /**
     * Where to read a cgroup's file on the target, as a shell word for a next command: v1 under its controller's mount
     * (systemd links cpu to cpu,cpuacct), v2 at /sys/fs/cgroup or, on a hybrid host, /sys/fs/cgroup/unified.
     */
    static String file(String layout, String path, int version, String controller, String name) {
        String rel = "/".equals(path) ? "" : path;
        if (version == 1) {
            return word("/sys/fs/cgroup/" + controller + rel + "/" + name);
        }
        return word(("hybrid".equals(layout) ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup") + rel + "/" + name);
    }

    /**
     * The most specific cgroup that explains most of a hierarchical quantity: parents include their
     * children (a slice's swap is its services' swap), so among the groups holding at least half of the
     * largest value, the deepest wins. Null when no group has a positive value.
     */
    static <T> T mostSpecific(java.util.List<T> groups, java.util.function.Function<T, String> path,
            java.util.function.ToDoubleFunction<T> value) {
        double max = 0;
        for (T g : groups) {
            double v = value.applyAsDouble(g);
            if (v > max) {
                max = v;
            }
        }
        if (!(max > 0)) {
            return null;
        }
        T best = null;
        for (T g : groups) {
            double v = value.applyAsDouble(g);
            if (v >= max / 2 && (best == null || depth(path.apply(g)) > depth(path.apply(best))
                    || depth(path.apply(g)) == depth(path.apply(best)) && v > value.applyAsDouble(best))) {
                best = g;
            }
        }
        return best;
    }

    static int depth(String path) {
        int d = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                d++;
            }
        }
        return "/".equals(path) ? 0 : d;
    }
}
