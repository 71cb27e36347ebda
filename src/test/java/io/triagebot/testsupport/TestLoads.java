package io.triagebot.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loads a live test induces ({@code setsid sh -c COMMAND}: a session, so an autogroup, of their own),
 * marked in their environment so that exactly they and whatever they fork can be killed, and nothing else
 * on a shared machine.
 */
public final class TestLoads {

    private static final String VARIABLE = "TRIAGEBOT_TEST_LOAD";

    private final String marker;

    /** @param owner names the test in the marker, for whoever finds a leftover */
    public TestLoads(String owner) {
        this.marker = VARIABLE + "=" + owner + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    /** Starts {@code command} in a session of its own, output discarded, marked. */
    public Process start(String command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("setsid", "sh", "-c", command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        int eq = marker.indexOf('=');
        pb.environment().put(marker.substring(0, eq), marker.substring(eq + 1));
        return pb.start();
    }

    /** SIGKILL to every process whose environment carries this marker: exactly the loads and their children. */
    public void killAll() {
        for (int round = 0; round < 3; round++) { // a fork between listing and killing is caught next round
            ProcessHandle.allProcesses().forEach(h -> {
                try {
                    String env = Files.readString(Path.of("/proc", Long.toString(h.pid()), "environ"),
                            StandardCharsets.ISO_8859_1);
                    if (("\0" + env).contains("\0" + marker + "\0")) {
                        h.destroyForcibly();
                    }
                } catch (IOException | RuntimeException e) {
                    // gone, or not readable
                }
            });
        }
    }

    /** Pids of the processes whose name ({@code /proc/PID/comm}) starts with {@code prefix}. */
    public static List<Long> processesNamed(String prefix) {
        List<Long> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(h -> {
            try {
                String comm = Files.readString(Path.of("/proc", Long.toString(h.pid()), "comm")).strip();
                if (comm.startsWith(prefix)) {
                    out.add(h.pid());
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        });
        return out;
    }
}
