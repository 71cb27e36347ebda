package io.triagebot.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.triagebot.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A database a release without a migration numbered lower than its newest one (V5 arriving after V7) was
 * run against: the bot still starts on it and applies the late migration once.
 */
class LateMigrationTest {

    static final Path MIGRATIONS = Path.of(System.getProperty("triagebot.projectDir", "."),
            "src", "main", "resources", "db", "migration");

    @TempDir
    Path dir;

    static Stream<String> databases() {
        return TestDatabases.kinds();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aLateMigrationIsAppliedOnStart(String kind) throws Exception {
        Path earlier = Files.createDirectories(dir.resolve(kind));
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().startsWith("V5__")).toList()) {
                Files.copy(f, earlier.resolve(f.getFileName()));
            }
        }
        try (TestDatabases.TestDatabase tdb = TestDatabases.create(kind)) {
            DatabaseSettings s = tdb.settings();
            Flyway.configure().dataSource(s.url(), s.user(), s.password()).locations("filesystem:" + earlier)
                    .placeholders(Map.of("binary", s.isPostgres() ? "BYTEA" : "BLOB")).load().migrate();
            try (Database db = Database.open(s); var c = db.dataSource().getConnection();
                    var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM slack_request_seen")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "the late migration's table exists");
            }
        }
    }
}
