package io.triagebot.ops;

import io.triagebot.ops.LogContext.Field;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a known set of lines and prints one report line, run as its own JVM by the log format tests: the
 * format is chosen when logback first configures itself, once per process. The lines carry the
 * {@link LogContext} fields the way the bot sets them: opened on the main thread, one more for a nested
 * step, carried into a pool's thread, all gone again for the last line.
 */
public final class LogLines {

    static final String REPORT = "REPORT db-3 HIGH";

    private LogLines() {
    }

    public static void main(String[] args) throws Exception {
        Logger log = LoggerFactory.getLogger("io.triagebot.slack.SlackBot");
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "worker"));
        try (LogContext.Scope incident = LogContext.with(Field.INCIDENT, "INC-42").and(Field.HOST, "db-3")
                .and(Field.SLACK_USER, "U0AAAA111\nforged=line").open()) {
            log.info("triage of {} finished: {}", "db-3", "quote \" and\nnewline");
            log.debug("not shown at INFO");
            try (LogContext.Scope action = LogContext.with(Field.ACTION, "17 vm-swappiness").open()) {
                pool.submit(LogContext.carry(() -> log.warn("delivery failed",
                        new IllegalStateException("slack said 503")))).get();
            }
        } finally {
            pool.shutdown();
        }
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").info("third-party INFO stays below WARN");
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").warn("third-party warning");
        System.out.println(REPORT);
    }
}
