package io.triagebot.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A POST whose body is generated while it is sent, over a plain socket: chunked (no length announced) or
 * with a Content-Length that may be a lie. Sending stops when the server answers or closes the connection,
 * so a server that refuses early is seen to refuse early. The body repeats one marker, to look for in logs.
 */
public final class StreamedPost {

    /** The status line's code ({@code -1} when the connection closed without an answer) and bytes sent. */
    public record Outcome(int status, long bodyBytesSent) {
    }

    private StreamedPost() {
    }

    /**
     * @param chunked true: Transfer-Encoding chunked; false: Content-Length {@code totalBytes}
     * @param marker repeated to fill the body
     */
    public static Outcome send(int port, String path, Map<String, String> headers, long totalBytes, boolean chunked,
            String marker) throws Exception {
        byte[] block = filled(64 * 1024, marker);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            CompletableFuture<Integer> status = new CompletableFuture<>();
            Thread reader = new Thread(() -> status.complete(statusOf(socket)), "streamed-post-reader");
            reader.setDaemon(true);
            reader.start();
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n");
            head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + totalBytes + "\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            long sent = 0;
            try {
                while (sent < totalBytes && !status.isDone()) {
                    int n = (int) Math.min(block.length, totalBytes - sent);
                    if (chunked) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(block, 0, n);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    sent += n;
                }
                if (chunked && sent == totalBytes) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                // The server answered and closed the connection while the body was still coming: what a
                // server that refuses early does.
            }
            return new Outcome(status.get(120, TimeUnit.SECONDS), sent);
        }
    }

    private static int statusOf(Socket socket) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            String line = in.readLine();
            return line == null ? -1 : Integer.parseInt(line.split(" ")[1]);
        } catch (IOException e) {
            return -1;
        }
    }

    private static byte[] filled(int size, String marker) {
        byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size];
        for (int i = 0; i < size; i += m.length) {
            System.arraycopy(m, 0, out, i, Math.min(m.length, size - i));
        }
        return Arrays.copyOf(out, size);
    }
}
