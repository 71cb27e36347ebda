package io.triagebot.testsupport;

import io.triagebot.store.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Fresh databases for tests: an embedded H2 file always, and PostgreSQL whenever one answers
 * (TRIAGEBOT_TEST_PG_URL, or 127.0.0.1:5432 database "test" with trust auth), each test in a schema of its
 * own that is dropped afterwards.
 */
public final class TestDatabases {

    /** A database for one test; close() removes it. */
    public record TestDatabase(String name, DatabaseSettings settings, AutoCloseable cleanup) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            cleanup.close();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private TestDatabases() {
    }

    /** H2, plus PostgreSQL when it answers: for parameterised tests. */
    public static Stream<String> kinds() {
        List<String> kinds = new ArrayList<>(List.of("h2"));
        if (postgresUrl() != null) {
            kinds.add("postgresql");
        }
        return kinds.stream();
    }

    public static TestDatabase create(String kind) throws Exception {
        if (kind.equals("h2")) {
            Path dir = Files.createTempDirectory("triagebot-h2");
            return new TestDatabase("h2", DatabaseSettings.embedded(dir), () -> deleteTree(dir));
        }
        String base = postgresUrl();
        if (base == null) {
            throw new IllegalStateException("PostgreSQL does not answer");
        }
        String schema = "tb_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(base, pgUser(), "");
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new TestDatabase("postgresql", new DatabaseSettings(url, pgUser(), ""), () -> {
            try (Connection c = DriverManager.getConnection(base, pgUser(), "");
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        });
    }

    /** The PostgreSQL URL to use, or null when none answers. */
    public static String postgresUrl() {
        String url = System.getenv().getOrDefault("TRIAGEBOT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        try (Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "connectTimeout=2",
                pgUser(), "")) {
            return c.isValid(2) ? url : null;
        } catch (SQLException e) {
            return null;
        }
    }

    private static String pgUser() {
        return System.getenv().getOrDefault("TRIAGEBOT_TEST_PG_USER", "postgres");
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
