package io.triagebot.ssh;

import io.triagebot.probe.StdoutSink;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Where JSch's session thread delivers the remote command's stdout and stderr. Both are bounded:
 * stdout keeps the first {@code maxStdout} bytes and drops the rest, stderr keeps the last
 * {@value #STDERR_TAIL_BYTES}. Writes never block or throw, so a flood cannot stall the session.
 * The run thread waits on this object for "something happened".
 */
final class ExecOutput {

    static final int STDERR_TAIL_BYTES = 8 * 1024;

    private final int maxStdout;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final StdoutSink sink;
    private long stdoutTotal;
    private boolean sinkClosed;
    private final byte[] stderrRing = new byte[STDERR_TAIL_BYTES];
    private long stderrTotal;
    private boolean capped;
    private boolean stdoutClosed;

    ExecOutput(int maxStdout) {
        this(maxStdout, null);
    }

    /** Hands stdout to {@code sink} as it arrives, up to {@code maxStdout} bytes, keeping none of it. */
    ExecOutput(int maxStdout, StdoutSink sink) {
        this.maxStdout = maxStdout;
        this.sink = sink;
    }

    OutputStream stdoutSink() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                acceptStdout(b, off, len);
            }

            @Override
            public void close() {
                markStdoutEnded();
            }
        };
    }

    OutputStream stderrSink() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                acceptStderr(b, off, len);
            }

            @Override
            public void close() {
                poke();
            }
        };
    }

    private synchronized void acceptStdout(byte[] b, int off, int len) {
        if (sink != null) {
            forward(b, off, len);
            return;
        }
        int room = maxStdout - stdout.size();
        if (len > room) {
            capped = true;
        }
        if (room > 0) {
            stdout.write(b, off, Math.min(room, len));
        }
        notifyAll();
    }

    private void forward(byte[] b, int off, int len) {
        long room = maxStdout - stdoutTotal;
        if (len > room) {
            capped = true;
        }
        int n = (int) Math.max(0, Math.min(room, len));
        stdoutTotal += n;
        if (n > 0 && !sinkClosed) {
            sink.write(b, off, n);
        }
        notifyAll();
    }

    /** After this nothing more reaches the sink, whatever the session thread still delivers. */
    synchronized void closeSink() {
        sinkClosed = true;
    }

    private synchronized void acceptStderr(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            stderrRing[(int) (stderrTotal++ % STDERR_TAIL_BYTES)] = b[off + i];
        }
        notifyAll();
    }

    private synchronized void markStdoutEnded() {
        stdoutClosed = true;
        notifyAll();
    }

    /** Wakes the waiting run thread; JSch closes our streams when the channel closes. */
    synchronized void poke() {
        notifyAll();
    }

    /** Waits up to {@code millis} for new output or a close; spurious returns are fine. */
    synchronized void await(long millis) throws InterruptedException {
        if (millis > 0) {
            TimeUnit.MILLISECONDS.timedWait(this, millis);
        }
    }

    /** The sink has the whole stream (its end marker): no need to wait for the channel to close. */
    synchronized boolean sinkComplete() {
        return sink != null && sink.complete();
    }

    synchronized boolean capped() {
        return capped;
    }

    synchronized boolean stdoutEnded() {
        return stdoutClosed;
    }

    synchronized byte[] stdout() {
        return stdout.toByteArray();
    }

    synchronized String stderrTail() {
        int len = (int) Math.min(stderrTotal, STDERR_TAIL_BYTES);
        byte[] tail = new byte[len];
        long start = stderrTotal - len;
        for (int i = 0; i < len; i++) {
            tail[i] = stderrRing[(int) ((start + i) % STDERR_TAIL_BYTES)];
        }
        return new String(tail, StandardCharsets.UTF_8);
    }
}
