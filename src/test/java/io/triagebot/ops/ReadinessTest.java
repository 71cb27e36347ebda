package io.triagebot.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    /** Releases hung checks so no test leaves a thread parked. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHungChecks() {
        release.countDown();
    }

    @Test
    void readyWhenEveryPartIs() {
        try (Readiness readiness = Readiness.builder()
                .part(Readiness.DATABASE, () -> true)
                .part(Readiness.SCHEDULER, () -> true)
                .part(Readiness.SLACK, () -> true)
                .build()) {
            Readiness.Status status = readiness.check();
            assertTrue(status.ready());
            assertEquals(List.of("database", "scheduler", "slack"),
                    status.parts().stream().map(Readiness.Part::name).toList());
            assertEquals("ready\ndatabase: ok\nscheduler: ok\nslack: ok\n", status.toText());
            assertTrue(status.failing().isEmpty());
        }
    }

    @Test
    void aPartThatSaysNoOrThrowsIsNotReadyWithTheReason() {
        try (Readiness readiness = Readiness.builder()
                .part(Readiness.DATABASE, () -> {
                    throw new SQLException("Connection to db:5432 refused.\nCheck that the hostname is right");
                })
                .part(Readiness.SCHEDULER, () -> false)
                .part(Readiness.SLACK, () -> true)
                .build()) {
            Readiness.Status status = readiness.check();
            assertFalse(status.ready());
            assertEquals(List.of("database", "scheduler"),
                    status.failing().stream().map(Readiness.Part::name).toList());
            assertEquals("not ready\n"
                    + "database: SQLException: Connection to db:5432 refused. Check that the hostname is right\n"
                    + "scheduler: not ready\n"
                    + "slack: ok\n", status.toText());
        }
    }

    @Test
    void aHungPartIsNotReadyWithinTheTimeoutAndTheOthersStillAnswer() {
        try (Readiness readiness = Readiness.builder()
                .part(Readiness.DATABASE, () -> {
                    release.await();
                    return true;
                })
                .part(Readiness.SLACK, () -> true)
                .timeout(Duration.ofMillis(300))
                .build()) {
            long start = System.nanoTime();
            Readiness.Status status = readiness.check();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertFalse(status.ready());
            assertTrue(tookMs >= 250 && tookMs < 1500, "took " + tookMs + " ms");
            Readiness.Part database = status.parts().get(0);
            assertFalse(database.ready());
            assertTrue(database.detail().matches("no answer for \\d+ ms"), database.detail());
            assertTrue(status.parts().get(1).ready());
        }
    }

    @Test
    void slowPartsAreWaitedForTogetherNotOneAfterAnother() {
        Readiness.Check slow = () -> {
            Thread.sleep(200);
            return true;
        };
        try (Readiness readiness = Readiness.builder()
                .part("a", slow).part("b", slow).part("c", slow)
                .timeout(Duration.ofMillis(1000))
                .build()) {
            long start = System.nanoTime();
            assertTrue(readiness.check().ready());
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < 550, "took " + tookMs + " ms");
        }
    }

    @Test
    void aHungCheckIsNotStartedAgainByLaterProbes() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (Readiness readiness = Readiness.builder()
                .part(Readiness.DATABASE, () -> {
                    runs.incrementAndGet();
                    release.await();
                    return true;
                })
                .timeout(Duration.ofMillis(100))
                .build()) {
            for (int i = 0; i < 5; i++) {
                assertFalse(readiness.check().ready());
            }
            assertEquals(1, runs.get(), "one run in flight, however many probes");

            release.countDown();
            // The stuck run finishes as ready; the probe after it starts a fresh one.
            long deadline = System.nanoTime() + 2_000_000_000L;
            boolean ready = false;
            while (!ready && System.nanoTime() < deadline) {
                ready = readiness.check().ready();
            }
            assertTrue(ready);
            assertTrue(runs.get() <= 2, "runs " + runs.get());
        }
    }

    @Test
    void aRecoveredPartIsReadyAgain() {
        AtomicInteger calls = new AtomicInteger();
        try (Readiness readiness = Readiness.builder()
                .part(Readiness.DATABASE, () -> calls.incrementAndGet() > 1)
                .build()) {
            assertFalse(readiness.check().ready());
            assertTrue(readiness.check().ready());
        }
    }

    @Test
    void longMessagesAreCutToOneShortLine() {
        String detail = Readiness.describe(new IllegalStateException("x".repeat(1000) + "\r\nsecond line"));
        assertEquals(200, detail.length());
        assertTrue(detail.startsWith("IllegalStateException: xxx") && detail.endsWith("..."), detail);
        assertEquals("NullPointerException", Readiness.describe(new NullPointerException()));
    }

    @Test
    void noPartsIsReady() {
        try (Readiness readiness = Readiness.builder().build()) {
            assertTrue(readiness.check().ready());
            assertEquals("ready\n", readiness.check().toText());
        }
    }

    @Test
    void aClosedReadinessIsNotReady() {
        Readiness readiness = Readiness.builder().part(Readiness.DATABASE, () -> true).build();
        readiness.close();
        Readiness.Status status = readiness.check();
        assertFalse(status.ready());
        assertTrue(status.parts().get(0).detail().contains("closed"), status.toText());
    }

    @Test
    void partNamesAndTimeoutAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> Readiness.builder().part("Database Pool", () -> true));
        assertThrows(IllegalArgumentException.class,
                () -> Readiness.builder().part("slack", () -> true).part("slack", () -> true));
        assertThrows(IllegalArgumentException.class, () -> Readiness.builder().timeout(Duration.ZERO));
        assertEquals(Duration.ofSeconds(2), Readiness.DEFAULT_TIMEOUT);
    }
}
