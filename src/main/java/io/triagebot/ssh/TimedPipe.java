package io.triagebot.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;

/**
 * A bounded byte pipe between the jump host's session thread (writer) and the next hop's session
 * (reader). JDK/JSch piped streams tie themselves to thread liveness and have no read timeout; this
 * one has a settable read timeout so that a proxied handshake is bounded exactly like a socket's
 * {@code SO_TIMEOUT} bounds a direct one.
 */
final class TimedPipe {

    private final byte[] buffer;
    private int head;
    private int size;
    private boolean writerClosed;
    private boolean readerClosed;
    private long readTimeoutMillis;

    private final InputStream source = new Source();
    private final OutputStream sink = new Sink();

    TimedPipe(int capacity) {
        this.buffer = new byte[capacity];
    }

    InputStream source() {
        return source;
    }

    OutputStream sink() {
        return sink;
    }

    /** 0 means block until data or end of stream, like a socket without SO_TIMEOUT. */
    synchronized void setReadTimeout(long millis) {
        readTimeoutMillis = millis;
        notifyAll();
    }

    synchronized void close() {
        writerClosed = true;
        readerClosed = true;
        notifyAll();
    }

    private synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long started = System.nanoTime();
        while (size == 0 || readerClosed) {
            // A closed writer is end-of-stream after the buffered bytes; a closed reader is the end now.
            if (writerClosed || readerClosed) {
                return -1;
            }
            long timeout = readTimeoutMillis;
            long waited = (System.nanoTime() - started) / 1_000_000;
            if (timeout > 0 && waited >= timeout) {
                throw new SocketTimeoutException("Read timed out");
            }
            try {
                wait(timeout > 0 ? timeout - waited : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading from jump host");
            }
        }
        int n = Math.min(len, size);
        int first = Math.min(n, buffer.length - head);
        System.arraycopy(buffer, head, b, off, first);
        System.arraycopy(buffer, 0, b, off + first, n - first);
        head = (head + n) % buffer.length;
        size -= n;
        notifyAll();
        return n;
    }

    private synchronized void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            while (size == buffer.length && !writerClosed && !readerClosed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while writing to pipe");
                }
            }
            if (writerClosed || readerClosed) {
                throw new IOException("pipe closed");
            }
            int tail = (head + size) % buffer.length;
            int n = Math.min(len, Math.min(buffer.length - size, buffer.length - tail));
            System.arraycopy(b, off, buffer, tail, n);
            size += n;
            off += n;
            len -= n;
            notifyAll();
        }
    }

    private synchronized int available() {
        return size;
    }

    private synchronized void closeWriter() {
        writerClosed = true;
        notifyAll();
    }

    private synchronized void closeReader() {
        readerClosed = true;
        notifyAll();
    }

    private final class Source extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = TimedPipe.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return TimedPipe.this.read(b, off, len);
        }

        @Override
        public int available() {
            return TimedPipe.this.available();
        }

        @Override
        public void close() {
            closeReader();
        }
    }

    private final class Sink extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            TimedPipe.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            TimedPipe.this.write(b, off, len);
        }

        @Override
        public void close() {
            closeWriter();
        }
    }
}
