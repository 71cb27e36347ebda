package io.triagebot.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.triagebot.ops.LogContext.Field;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void aScopeSetsItsFieldsAndClosingPutsBackWhatWasThere() {
        try (LogContext.Scope incident = LogContext.with(Field.INCIDENT, "INC-1").and(Field.HOST, "db-1").open()) {
            assertEquals(Map.of("incident", "INC-1", "host", "db-1"), LogContext.current());
            try (LogContext.Scope host = LogContext.with(Field.HOST, "db-2").and(Field.ACTION, "3 renice").open()) {
                assertEquals(Map.of("incident", "INC-1", "host", "db-2", "action", "3 renice"), LogContext.current());
            }
            assertEquals(Map.of("incident", "INC-1", "host", "db-1"), LogContext.current(), "the outer host is back");
        }
        assertEquals(Map.of(), LogContext.current());
    }

    @Test
    void aNullValueLeavesTheFieldAsItWas() {
        try (LogContext.Scope outer = LogContext.with(Field.SLACK_USER, "U1").open();
                LogContext.Scope inner = LogContext.with(Field.SLACK_USER, null).and(Field.HOST, "db-1").open()) {
            assertEquals(Map.of("slack_user", "U1", "host", "db-1"), LogContext.current());
        }
    }

    @Test
    void carriedTasksRunWithTheCallersFieldsAndLeaveThePoolThreadAsTheyFoundIt() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // The pool's thread has a field of its own, as a thread reused by other work might.
            pool.submit(() -> MDC.put("host", "left-over")).get();
            Map<String, String> seen;
            try (LogContext.Scope scope = LogContext.with(Field.INCIDENT, "INC-7").open()) {
                seen = pool.submit(LogContext.carry(LogContext::current)).get();
            }
            assertEquals(Map.of("incident", "INC-7"), seen, "exactly the caller's fields, nothing of the thread's");
            assertEquals(Map.of("host", "left-over"), pool.submit(LogContext::current).get());

            pool.submit(() -> MDC.clear()).get();
            String[] inRunnable = new String[1];
            try (LogContext.Scope scope = LogContext.with(Field.ACTION, "9 drop-caches").open()) {
                pool.submit(LogContext.carry(() -> {
                    inRunnable[0] = MDC.get("action");
                })).get();
            }
            assertEquals("9 drop-caches", inRunnable[0]);
            assertNull(pool.submit(() -> MDC.get("action")).get(), "cleared after the task");
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void valuesCannotSplitOrFloodALine() {
        assertEquals("U1?x=y?", LogContext.clean("U1\nx=y\r"));
        assertEquals("a\u00e9b", LogContext.clean("a\u00e9b"));
        assertEquals(LogContext.MAX_VALUE_LENGTH, LogContext.clean("h".repeat(10_000)).length());
    }

    @Test
    void jschSpeaksOnlyWhenTheBotLogsAtDebug() {
        assertEquals("DEBUG", new JschLogLevel(name -> "DEBUG").getPropertyValue());
        assertEquals("DEBUG", new JschLogLevel(name -> " trace ").getPropertyValue());
        assertEquals("OFF", new JschLogLevel(name -> "INFO").getPropertyValue());
        assertEquals("OFF", new JschLogLevel(name -> "WARN").getPropertyValue());
        assertEquals("OFF", new JschLogLevel(name -> null).getPropertyValue());
        assertEquals("OFF", new JschLogLevel(name -> "${TRIAGEBOT_LOG_LEVEL}").getPropertyValue());
    }
}
