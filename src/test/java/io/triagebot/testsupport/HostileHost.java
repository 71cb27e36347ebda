package io.triagebot.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test sshd whose sessions run in a mount namespace of their own where chosen programs or files are
 * replaced (bind mounts, {@code ForceCommand}): a host that floods, hangs or lies, made real for the
 * collector and invisible to the rest of this machine. Needs root and {@code unshare}.
 *
 * <pre>{@code
 * try (HostileHost host = HostileHost.builder(dir).replaceProgram("/usr/bin/grep", "tasks", "yes a | head -c 17825792").start()) {
 *     host.sshd().writeClientConfig(config, "flood");
 * }
 * }</pre>
 */
public final class HostileHost implements AutoCloseable {

    private final TestSshd sshd;

    private HostileHost(TestSshd sshd) {
        this.sshd = sshd;
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    public TestSshd sshd() {
        return sshd;
    }

    @Override
    public void close() {
        sshd.close();
    }

    /** What to replace inside the sessions' mount namespace. */
    public static final class Builder {
        private final Path dir;
        private final Map<String, Path> binds = new LinkedHashMap<>();
        private final List<String> setup = new ArrayList<>();

        private Builder(Path dir) {
            this.dir = dir;
        }

        /**
         * Replaces {@code program} (an absolute path) for the collector's {@code tasks} probe only: its grep
         * call ({@code grep -sH ^ ...}) runs {@code shell} instead; every other call reaches a copy of the
         * real program.
         */
        public Builder replaceTasksGrep(String shell) throws IOException {
            Path real = Files.copy(Path.of("/usr/bin/grep"), dir.resolve("grep.real"));
            return bind("/usr/bin/grep", script("grep-wrapper", """
                    if [ "$1" = -sH ] && [ "$2" = "^" ]; then
                    %s
                    exit 0
                    fi
                    exec %s "$@"
                    """.formatted(shell, real)));
        }

        /** Mounts {@code source} over {@code target} (file over file, or a device, or a FIFO). */
        public Builder bind(String target, Path source) {
            binds.put(target, source);
            return this;
        }

        /** A shell command run in the namespace before the collector starts (as root). */
        public Builder setup(String command) {
            setup.add(command);
            return this;
        }

        /** An executable sh script in the host's directory. */
        public Path script(String name, String body) throws IOException {
            Path file = dir.resolve(name);
            Files.writeString(file, "#!/bin/sh\n" + body);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            return file;
        }

        public HostileHost start() throws IOException {
            LiveTests.requireOrSkip(LiveTests.isRoot() && Files.isExecutable(Path.of("/usr/bin/unshare")),
                    "a hostile host needs root and unshare (mount namespaces)");
            StringBuilder inner = new StringBuilder("set -e\n");
            binds.forEach((target, source) -> inner.append("mount --bind '").append(source).append("' '")
                    .append(target).append("'\n"));
            setup.forEach(c -> inner.append(c).append('\n'));
            inner.append("set +e\nexec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n");
            Path namespaced = script("in-namespace", inner.toString());
            Path force = script("force-command", "exec /usr/bin/unshare -m --propagation private " + namespaced + "\n");
            return new HostileHost(TestSshd.builder().extraConfig("ForceCommand " + force).start());
        }
    }
}
