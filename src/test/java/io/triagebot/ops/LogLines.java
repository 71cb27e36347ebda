package io.triagebot.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a known set of lines and prints one report line, run as its own JVM by the log format tests: the
 * format is chosen when logback first configures itself, once per process.
 */
public final class LogLines {

    static final String REPORT = "REPORT db-3 HIGH";

    private LogLines() {
    }

    public static void main(String[] args) {
        Logger log = LoggerFactory.getLogger("io.triagebot.slack.SlackBot");
        log.info("triage of {} finished: {}", "db-3", "quote \" and\nnewline");
        log.debug("not shown at INFO");
        log.warn("delivery failed", new IllegalStateException("slack said 503"));
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").info("third-party INFO stays below WARN");
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").warn("third-party warning");
        System.out.println(REPORT);
    }
}
