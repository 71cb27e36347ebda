package io.triagebot.ssh;

import com.jcraft.jsch.SocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Opens the TCP connection for a direct hop. Unlike JSch's own, it bounds the DNS lookup too, and it
 * hands the socket to {@link OpenSessions} before connecting so that the watchdog can close it even
 * while {@code connect} is still blocked.
 */
final class BoundedSocketFactory implements SocketFactory {

    /** TCP connect did not complete in time (as opposed to a read timing out later). */
    static final class TcpConnectTimeoutException extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        TcpConnectTimeoutException(String message) {
            super(message);
        }
    }

    private final Duration timeout;
    private final Deadline deadline;
    private final OpenSessions registry;

    BoundedSocketFactory(Duration timeout, Deadline deadline, OpenSessions registry) {
        this.timeout = timeout;
        this.deadline = deadline;
        this.registry = registry;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        InetAddress address = BoundedDns.resolve(host, Duration.ofMillis(deadline.boundedMillis(timeout)));
        Socket socket = new Socket();
        registry.track(socket);
        try {
            socket.connect(new InetSocketAddress(address, port), deadline.boundedMillis(timeout));
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new TcpConnectTimeoutException("TCP connect timed out");
        } catch (IOException e) {
            closeQuietly(socket);
            throw e;
        }
        return socket;
    }

    @Override
    public InputStream getInputStream(Socket socket) throws IOException {
        return socket.getInputStream();
    }

    @Override
    public OutputStream getOutputStream(Socket socket) throws IOException {
        return socket.getOutputStream();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
