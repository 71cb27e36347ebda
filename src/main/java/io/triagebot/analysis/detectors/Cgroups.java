package io.triagebot.analysis.detectors;

/** Naming cgroups for people and for systemd. */
final class Cgroups {

    private Cgroups() {
    }

    /**
     * The systemd unit a cgroup path names: its last component when that ends in .service, .scope or
     * .slice ("/system.slice/db.service" gives "db.service"); null otherwise (a pod, a hand-made group),
     * so that no runbook is suggested with an invented unit.
     */
    static String unit(String path) {
        if (path == null) {
            return null;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (last.endsWith(".service") || last.endsWith(".scope") || last.endsWith(".slice")) {
            return last.isEmpty() ? null : last;
        }
        return null;
    }

    /**
     * Where to read a cgroup's file on the target, for a next command: v1 under its controller's mount
     * (systemd links cpu to cpu,cpuacct), v2 at /sys/fs/cgroup or, on a hybrid host, /sys/fs/cgroup/unified.
     */
    static String file(String layout, String path, int version, String controller, String name) {
        String rel = "/".equals(path) ? "" : path;
        if (version == 1) {
            return "/sys/fs/cgroup/" + controller + rel + "/" + name;
        }
        return ("hybrid".equals(layout) ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup") + rel + "/" + name;
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
