package io.triagebot.ssh;

import com.jcraft.jsch.Session;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one run opened (sessions of the jump hosts and the target, raw sockets still
 * connecting), so it can all be torn down from the run's thread or from the watchdog.
 */
final class OpenSessions {

    private final List<Session> sessions = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    synchronized void track(Session session) {
        sessions.add(session);
    }

    synchronized void track(Socket socket) {
        sockets.add(socket);
    }

    /** Disconnects in reverse order: the target first, then each jump host on the way back. */
    void closeAll() {
        List<Session> sessionsCopy;
        List<Socket> socketsCopy;
        synchronized (this) {
            sessionsCopy = new ArrayList<>(sessions);
            socketsCopy = new ArrayList<>(sockets);
        }
        for (int i = sessionsCopy.size() - 1; i >= 0; i--) {
            try {
                sessionsCopy.get(i).disconnect();
            } catch (RuntimeException ignored) {
                // best effort: the point is to release the rest too
            }
        }
        // A session still in TCP connect is not "connected" to JSch, so its disconnect is a no-op;
        // closing the socket itself is what unblocks it.
        for (Socket socket : socketsCopy) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
