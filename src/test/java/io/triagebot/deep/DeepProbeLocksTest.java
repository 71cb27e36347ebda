package io.triagebot.deep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.probe.TargetConnector;
import io.triagebot.store.Database;
import io.triagebot.testsupport.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One deep probe per host, then a cooldown: on H2 and (when it answers) PostgreSQL, and in memory. */
class DeepProbeLocksTest {

    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    static Stream<String> databases() {
        return TestDatabases.kinds();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void oneRunPerHostThenACooldown(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            checkLifecycle(new JdbcDeepProbeLocks(db));
        }
    }

    @Test
    void inMemoryLocksBehaveTheSame() throws Exception {
        checkLifecycle(new InMemoryDeepProbeLocks());
    }

    private static void checkLifecycle(DeepProbeLocks locks) throws Exception {
        DeepProbeLocks.Granted a = assertInstanceOf(DeepProbeLocks.Granted.class,
                locks.acquire("db-3", "cpu", "U1", T0, T0.plusSeconds(60)));
        DeepProbeLocks.Busy busy = assertInstanceOf(DeepProbeLocks.Busy.class,
                locks.acquire("db-3", "runqlat", "U2", T0.plusSeconds(5), T0.plusSeconds(65)));
        assertEquals("cpu", busy.kind());
        assertEquals("U1", busy.requestedBy());
        assertEquals(T0.plusSeconds(60), busy.until());
        assertInstanceOf(DeepProbeLocks.Granted.class, locks.acquire("db-4", "cpu", "U2", T0, T0.plusSeconds(60)),
                "another host is free");
        // A release with someone else's token changes nothing.
        locks.release(new DeepProbeLocks.Granted("db-3", "0".repeat(32)), T0.plusSeconds(100));
        assertInstanceOf(DeepProbeLocks.Busy.class, locks.acquire("db-3", "cpu", "U2", T0.plusSeconds(6), T0.plusSeconds(66)));
        locks.release(a, T0.plusSeconds(70));
        DeepProbeLocks.CoolingDown cool = assertInstanceOf(DeepProbeLocks.CoolingDown.class,
                locks.acquire("db-3", "cpu", "U2", T0.plusSeconds(20), T0.plusSeconds(80)));
        assertEquals(T0.plusSeconds(70), cool.until());
        assertInstanceOf(DeepProbeLocks.Granted.class, locks.acquire("db-3", "cpu", "U2", T0.plusSeconds(70),
                T0.plusSeconds(130)), "free again once cooled down");
        // A holder that dies never releases: its lease lapses by itself.
        assertInstanceOf(DeepProbeLocks.Granted.class, locks.acquire("db-3", "cpu", "U3", T0.plusSeconds(130),
                T0.plusSeconds(190)));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void ofSimultaneousClaimsOnOneHostExactlyOneWins(String kind) throws Exception {
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind); Database db = Database.open(tdb.settings())) {
            // Two stores on one database stand for two bot replicas.
            List<DeepProbeLocks> replicas = List.of(new JdbcDeepProbeLocks(db), new JdbcDeepProbeLocks(db));
            int claims = 16;
            ExecutorService pool = Executors.newFixedThreadPool(claims);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<DeepProbeLocks.Claim>> futures = new ArrayList<>();
                for (int i = 0; i < claims; i++) {
                    DeepProbeLocks locks = replicas.get(i % 2);
                    String who = "U" + i;
                    futures.add(pool.submit(() -> {
                        start.await();
                        return locks.acquire("web-1", "cpu", who, T0, T0.plusSeconds(60));
                    }));
                }
                start.countDown();
                int granted = 0;
                for (Future<DeepProbeLocks.Claim> f : futures) {
                    DeepProbeLocks.Claim c = f.get();
                    granted += c instanceof DeepProbeLocks.Granted ? 1 : 0;
                    assertTrue(c instanceof DeepProbeLocks.Granted || c instanceof DeepProbeLocks.Busy, c.toString());
                }
                assertEquals(1, granted);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void theServiceRefusesWhenBusyOrCoolingDownWithoutReachingTheHost() {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        AtomicInteger reached = new AtomicInteger();
        TargetConnector connector = host -> {
            reached.incrementAndGet();
            throw new IllegalStateException("must not connect");
        };
        InMemoryDeepProbeLocks locks = new InMemoryDeepProbeLocks();
        DeepDive dive = new DeepDive(catalog(), connector, locks, clock, DeepDive.Settings.defaults());
        DeepProbeLocks.Granted held = (DeepProbeLocks.Granted) locks.acquire("db-3", "offcpu", "U7", T0,
                T0.plusSeconds(40));
        DeepDiveResult busy = dive.run("db-3", "cpu", 10, "U1");
        assertEquals(DeepDiveResult.Outcome.BUSY, busy.outcome());
        assertTrue(busy.text().startsWith("db-3 is busy: a offcpu deep probe requested by U7 runs until 10:00:40 UTC"),
                busy.text());
        locks.release(held, T0.plusSeconds(45));
        DeepDiveResult cooling = dive.run("db-3", "cpu", 10, "U1");
        assertEquals(DeepDiveResult.Outcome.COOLING_DOWN, cooling.outcome());
        assertEquals("db-3 is cooling down after its last deep probe: try again in 45 s (at 10:00:45 UTC).",
                cooling.text());
        assertEquals(0, reached.get());
        assertTrue(busy.files().isEmpty() && cooling.files().isEmpty());
    }

    @Test
    void badRequestsAreRefusedWithTheReason() {
        DeepDive dive = new DeepDive(catalog(), host -> {
            throw new IllegalStateException("must not connect");
        }, new InMemoryDeepProbeLocks(), Clock.systemUTC(), DeepDive.Settings.defaults());
        DeepDiveResult badHost = dive.run("db-3;reboot", "cpu", 10, "U1");
        assertEquals(DeepDiveResult.Outcome.INVALID, badHost.outcome());
        assertTrue(badHost.text().contains("is not a host name"), badHost.text());
        DeepDiveResult badKind = dive.run("db-3", "kprobe\u0007", 10, "U1");
        assertEquals(DeepDiveResult.Outcome.INVALID, badKind.outcome());
        assertEquals("unknown deep probe 'kprobe?': use one of biolat, cpu, offcpu, pagefaults, runqlat, tcpretrans",
                badKind.text());
        for (int s : new int[] {0, 31, -5}) {
            DeepDiveResult badSeconds = dive.run("db-3", "cpu", s, "U1");
            assertEquals(DeepDiveResult.Outcome.INVALID, badSeconds.outcome());
            assertEquals("cpu runs for 1 to 30 seconds, not " + s, badSeconds.text());
        }
    }

    @Test
    void anUnreachableHostIsSaidAndFreesTheHostAtOnce() {
        InMemoryDeepProbeLocks locks = new InMemoryDeepProbeLocks();
        DeepDive dive = new DeepDive(catalog(), host -> {
            throw new io.triagebot.probe.TargetException(io.triagebot.probe.TargetException.Kind.CONNECTION_REFUSED,
                    host.value(), host + ": connection refused by 10.0.0.7:22");
        }, locks, Clock.systemUTC(), DeepDive.Settings.defaults());
        DeepDiveResult r = dive.run("db-3", "cpu", 5, "U1");
        assertEquals(DeepDiveResult.Outcome.UNREACHABLE, r.outcome());
        assertEquals("db-3: connection refused by 10.0.0.7:22", r.text());
        // Nothing ran on the host, so no cooldown: a retry goes through to the connector again.
        assertEquals(DeepDiveResult.Outcome.UNREACHABLE, dive.run("db-3", "cpu", 5, "U1").outcome());
        assertTrue(r.elapsed().compareTo(Duration.ofSeconds(5)) < 0);
    }

    private static DeepCatalog catalog() {
        try {
            return DeepCatalogLoader.loadBuiltIn();
        } catch (DeepCatalogException e) {
            throw new IllegalStateException(e);
        }
    }
}
