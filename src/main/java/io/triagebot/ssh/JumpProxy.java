package io.triagebot.ssh;

import com.jcraft.jsch.ChannelDirectTCPIP;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SocketFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Carries the next hop's SSH connection inside a {@code direct-tcpip} channel of the previous hop,
 * which is what {@code ProxyJump} does ({@code ssh -W host:port}). Nothing listens locally.
 */
final class JumpProxy implements Proxy {

    /** RFC 4254 channel open failure reason codes that deserve their own advice. */
    static final int ADMINISTRATIVELY_PROHIBITED = 1;
    static final int CONNECT_FAILED = 2;

    /** The jump host could not (or would not) open the forwarded connection. */
    static final class JumpChannelException extends JSchException {
        private static final long serialVersionUID = 1L;
        private final int reasonCode;

        JumpChannelException(String message, int reasonCode, Throwable cause) {
            super(message, cause);
            this.reasonCode = reasonCode;
        }

        /** RFC 4254 reason code, or -1 when the jump host never answered (timeout). */
        int reasonCode() {
            return reasonCode;
        }
    }

    private static final int PIPE_BYTES = 256 * 1024;

    private final Session jump;
    private final TimedPipe pipe = new TimedPipe(PIPE_BYTES);
    private ChannelDirectTCPIP channel;
    private OutputStream toTarget;

    JumpProxy(Session jump) {
        this.jump = jump;
    }

    @Override
    public void connect(SocketFactory ignored, String host, int port, int timeout) throws Exception {
        // Bound the next hop's handshake reads exactly as SO_TIMEOUT does on a direct socket.
        pipe.setReadTimeout(timeout);
        channel = (ChannelDirectTCPIP) jump.getStreamForwarder(host, port);
        // No input stream on the channel: with one, JSch opens the channel on a background thread
        // and an open failure would go unreported. Writing through getOutputStream keeps it synchronous.
        channel.setOutputStream(pipe.sink());
        toTarget = channel.getOutputStream();
        try {
            channel.connect(timeout);
        } catch (JSchException e) {
            throw new JumpChannelException("direct-tcpip to " + host + ":" + port + " failed: " + e.getMessage(),
                    channel.getExitStatus(), e);
        }
    }

    /** The hop's handshake is done: from now on reads wait as long as the session lives. */
    void handshakeDone() {
        pipe.setReadTimeout(0);
    }

    @Override
    public InputStream getInputStream() {
        return pipe.source();
    }

    @Override
    public OutputStream getOutputStream() {
        return toTarget;
    }

    @Override
    public Socket getSocket() {
        return null;
    }

    @Override
    public void close() {
        pipe.close();
        if (channel != null) {
            channel.disconnect();
        }
    }
}
