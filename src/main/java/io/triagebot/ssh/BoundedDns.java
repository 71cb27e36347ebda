package io.triagebot.ssh;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Name resolution with a time bound. {@link InetAddress#getByName} has none and cannot be
 * interrupted, so the lookup runs on its own daemon thread and is abandoned when too slow.
 */
final class BoundedDns {

    /** The lookup did not finish in time: DNS is slow or unreachable. */
    static final class DnsTimeoutException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        DnsTimeoutException(String host, Duration limit) {
            super(host + " (no DNS answer within " + limit.toMillis() + " ms)");
        }
    }

    private BoundedDns() {
    }

    static InetAddress resolve(String host, Duration limit) throws UnknownHostException {
        if (isLiteral(host)) {
            return InetAddress.getByName(host); // literals never touch the resolver
        }
        CompletableFuture<InetAddress> lookup = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                lookup.complete(InetAddress.getByName(host));
            } catch (Throwable t) {
                lookup.completeExceptionally(t);
            }
        }, "triagebot-dns");
        thread.setDaemon(true);
        thread.start();
        try {
            return lookup.get(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DnsTimeoutException(host, limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsTimeoutException(host, limit);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            UnknownHostException wrapped = new UnknownHostException(host + " (" + e.getCause() + ")");
            wrapped.initCause(e.getCause());
            throw wrapped;
        }
    }

    static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
