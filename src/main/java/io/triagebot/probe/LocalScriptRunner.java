package io.triagebot.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the collector on the machine triagebot runs on, through /bin/sh: the target {@code local}. */
public final class LocalScriptRunner implements ScriptRunner {

    private static final int STDERR_CAP = 8 * 1024;

    private final List<String> launcher;

    public LocalScriptRunner() {
        this(List.of());
    }

    /**
     * @param launcher a command the shell is started through, e.g. {@code unshare -m ...} to run the
     *     script in a mount namespace of its own (tests use it to hide a binary or tracefs for real)
     */
    public LocalScriptRunner(List<String> launcher) {
        this.launcher = List.copyOf(launcher);
    }

    @Override
    public RunOutput run(String script, RunLimits limits) throws TargetException {
        return execute(script, limits, null);
    }

    @Override
    public RunOutput stream(String script, RunLimits limits, StdoutSink stdout) throws TargetException {
        return execute(script, limits, java.util.Objects.requireNonNull(stdout, "stdout"));
    }

    private RunOutput execute(String script, RunLimits limits, StdoutSink sink) throws TargetException {
        long deadline = System.nanoTime() + limits.deadline().toNanos();
        Process process;
        try {
            process = new ProcessBuilder(command()).start();
        } catch (IOException e) {
            throw new TargetException(TargetException.Kind.TRANSPORT, HostName.LOCAL,
                    "local: cannot start /bin/sh: " + e.getMessage(), e);
        }
        BoundedCapture out = new BoundedCapture(process.getInputStream(), limits.maxOutputBytes(), sink);
        BoundedCapture err = new BoundedCapture(process.getErrorStream(), STDERR_CAP);
        Thread outThread = daemon(out, "collector-stdout");
        Thread errThread = daemon(err, "collector-stderr");
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(script.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The shell died before reading its script; what it printed tells why.
        }
        boolean finished;
        try {
            // stdout ends at the script's exit or at the cap, whichever comes first.
            finished = awaitOutput(outThread, sink, deadline) && !out.capped()
                    && process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished || out.capped()) {
            // The script's watchdog cannot kill children outside its process group here; we can.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        joinBriefly(outThread);
        joinBriefly(errThread);
        out.closeSink();
        int exit = finished ? process.exitValue() : -1;
        return new RunOutput(out.bytes(), exit, !finished && !out.capped(), out.capped(), err.text());
    }

    @Override
    public RunOutput run(String script, RunLimits limits, Dialogue dialogue) throws TargetException {
        long deadline = System.nanoTime() + limits.deadline().toNanos();
        Process process;
        try {
            process = new ProcessBuilder(withSetsid(new java.util.ArrayList<>(launcher), List.of("/bin/sh", "-s")))
                    .start();
        } catch (IOException e) {
            throw new TargetException(TargetException.Kind.TRANSPORT, HostName.LOCAL,
                    "local: cannot start /bin/sh: " + e.getMessage(), e);
        }
        BoundedCapture out = new BoundedCapture(process.getInputStream(), limits.maxOutputBytes());
        BoundedCapture err = new BoundedCapture(process.getErrorStream(), STDERR_CAP);
        Thread outThread = daemon(out, "action-stdout");
        Thread errThread = daemon(err, "action-stderr");
        OutputStream stdin = process.getOutputStream();
        boolean finished = false;
        boolean answered = false;
        try {
            stdin.write(script.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            while (!out.capped() && System.nanoTime() < deadline) {
                if (process.waitFor(Math.min(Dialogue.POLL_MILLIS / 5,
                        TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1), TimeUnit.MILLISECONDS)) {
                    finished = true;
                    break;
                }
                Dialogue.Reply reply = dialogue.heard(out.bytes());
                if (reply.stop()) {
                    break;
                }
                if (reply.line() != null && !answered) {
                    answered = true;
                    stdin.write((reply.line() + "\n").getBytes(StandardCharsets.UTF_8));
                    stdin.close();
                }
            }
        } catch (IOException e) {
            // The shell died before reading all of it: what it printed tells why.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        joinBriefly(outThread);
        joinBriefly(errThread);
        return new RunOutput(out.bytes(), finished ? process.exitValue() : -1, !finished && !out.capped(),
                out.capped(), err.text());
    }

    /**
     * Under setsid the script leads its own process group, so its watchdog can kill everything it
     * started (kill -9 -$$), including a read blocked forever that would otherwise be orphaned.
     */
    private List<String> command() {
        return withSetsid(new java.util.ArrayList<>(launcher), List.of("/bin/sh", "-c", CollectorCommand.WRAPPER));
    }

    private static List<String> withSetsid(List<String> shell, List<String> command) {
        shell.addAll(command);
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, "setsid"))) {
                shell.add(0, dir + "/setsid");
                return shell;
            }
        }
        return shell;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Until stdout ends, or the sink has the whole stream (a process the script left stuck may keep stdout
     * open for ever), or the deadline.
     */
    private static boolean awaitOutput(Thread t, StdoutSink sink, long deadline) throws InterruptedException {
        while (t.isAlive()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            t.join(Math.min(left, sink == null ? left : 50));
            if (sink != null && sink.complete()) {
                return true;
            }
        }
        return true;
    }

    private static void joinBriefly(Thread t) {
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Copies a stream into memory, or hands it to a sink, up to a cap and then stops, remembering it was
     * capped.
     */
    static final class BoundedCapture implements Runnable {
        private final InputStream in;
        private final int cap;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final StdoutSink sink;
        private long total;
        private boolean sinkClosed;
        private volatile boolean capped;

        BoundedCapture(InputStream in, int cap) {
            this(in, cap, null);
        }

        BoundedCapture(InputStream in, int cap, StdoutSink sink) {
            this.in = in;
            this.cap = cap;
            this.sink = sink;
        }

        void closeSink() {
            synchronized (buffer) {
                sinkClosed = true;
            }
        }

        @Override
        public void run() {
            byte[] chunk = new byte[16 * 1024];
            try (in) {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    synchronized (buffer) {
                        int room = (int) Math.min(Integer.MAX_VALUE, cap - (sink == null ? buffer.size() : total));
                        total += Math.min(room, n);
                        if (sink == null) {
                            buffer.write(chunk, 0, Math.min(room, n));
                        } else if (!sinkClosed && room > 0) {
                            sink.write(chunk, 0, Math.min(room, n));
                        }
                        if (n > room) {
                            capped = true;
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                // The process was destroyed mid-read: keep what arrived.
            }
        }

        boolean capped() {
            return capped;
        }

        byte[] bytes() {
            synchronized (buffer) {
                return buffer.toByteArray();
            }
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }
    }
}
