package io.triagebot.slack.intake;

import io.triagebot.ops.ErrorRef;
import io.triagebot.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request to Slack's endpoint passes before Bolt sees it, in this order:
 * <ol>
 *   <li>a body over {@link BoundedBody#MAX_BYTES} is refused with 413: a declared length at once, a chunked
 *       one as soon as the count passes the limit, and the connection is closed rather than drained;</li>
 *   <li>the signature is checked over the raw bytes, the timestamp within five minutes either way (401);</li>
 *   <li>a signed request seen before (its signature is in the {@link ReplayLedger}) is answered 200 and
 *       dropped, so a replay within the window is acted on once, on any replica.</li>
 * </ol>
 * Nothing of a refused body is logged, only its length: Bolt, which logs bodies it does not recognise,
 * only ever sees verified ones.
 */
public final class SlackIntakeFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(SlackIntakeFilter.class);

    /** A ledger row outlives its request's window by this much, for clocks of replicas that differ a little. */
    static final Duration LEDGER_MARGIN = Duration.ofMinutes(1);

    private final SlackSignature signature;
    private final ReplayLedger ledger;
    private final Clock clock;
    private final int maxBytes;

    public SlackIntakeFilter(SlackSignature signature, ReplayLedger ledger, Clock clock, int maxBytes) {
        this.signature = signature;
        this.ledger = ledger;
        this.clock = clock;
        this.maxBytes = maxBytes;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        if (!"POST".equals(req.getMethod())) {
            refuse(resp, 405, "only POST");
            return;
        }
        if (req.getContentLengthLong() > maxBytes) {
            LOG.warn("refused a Slack request declaring {} bytes (limit {})", req.getContentLengthLong(), maxBytes);
            tooLarge(req, resp);
            return;
        }
        byte[] body;
        try {
            body = BoundedBody.read(req.getInputStream(), maxBytes);
        } catch (BoundedBody.TooLarge e) {
            LOG.warn("refused a Slack request streaming more than {} bytes", maxBytes);
            tooLarge(req, resp);
            return;
        }
        String timestamp = req.getHeader("X-Slack-Request-Timestamp");
        String sig = req.getHeader("X-Slack-Signature");
        SlackSignature.Verdict verdict = signature.verify(timestamp, sig, body, clock.instant());
        if (verdict != SlackSignature.Verdict.VALID) {
            LOG.warn("refused a Slack request of {} bytes: {}", body.length, verdict);
            refuse(resp, 401, "invalid request");
            return;
        }
        Instant expires = SlackSignature.timestampOf(timestamp).plus(SlackSignature.WINDOW).plus(LEDGER_MARGIN);
        try {
            if (!ledger.firstSeen("http:" + sig, expires)) {
                LOG.warn("ignored a replayed Slack request of {} bytes (signed at {})", body.length, timestamp);
                resp.setStatus(200);
                return;
            }
        } catch (StoreException e) {
            // Without the ledger a replay cannot be told apart: act on nothing rather than twice.
            String ref = ErrorRef.logged(LOG, "cannot record a Slack request as seen", e);
            refuse(resp, 503, "the bot cannot take requests right now (ref " + ref + ")");
            return;
        }
        chain.doFilter(new VerifiedRequest(req, body), resp);
    }

    @Override
    public void init(FilterConfig filterConfig) {
        // Built whole in its constructor.
    }

    @Override
    public void destroy() {
        // Holds nothing to release: the ledger's database belongs to the bot.
    }

    /**
     * 413, then the connection is closed: the rest of the body is never read (left to itself, Jetty would
     * read and discard it to the end, for as long as the sender cares to send).
     */
    private static void tooLarge(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Connection", "close");
        refuse(resp, 413, "request body too large");
        resp.flushBuffer();
        ServletContextRequest base = ServletContextRequest.getServletContextRequest(req);
        if (base != null) {
            base.getConnectionMetaData().getConnection().getEndPoint().close();
        }
    }

    private static void refuse(HttpServletResponse resp, int status, String text) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        resp.getWriter().write(text);
    }
}
