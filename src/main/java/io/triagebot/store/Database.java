package io.triagebot.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The connection pool and the schema. Migrations (Flyway, {@code db/migration}) run at start, so a new
 * version of the bot upgrades the schema before it serves; both databases take the same migrations.
 */
public final class Database implements AutoCloseable {

    private final DatabaseSettings settings;
    private final HikariDataSource pool;

    private Database(DatabaseSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
    }

    /**
     * Opens the pool and brings the schema up to date.
     *
     * @throws StoreException when the database cannot be reached or migrated; the message says which
     */
    public static Database open(DatabaseSettings settings) throws StoreException {
        if (!settings.isH2() && !settings.isPostgres()) {
            throw new StoreException("unsupported database URL " + settings.describe()
                    + ": use jdbc:h2:... or jdbc:postgresql://...", null);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.isH2() ? 4 : 8);
        config.setConnectionTimeout(10_000);
        config.setPoolName("triagebot");
        config.setInitializationFailTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to " + settings.describe() + ": " + rootMessage(e), e);
        }
        try {
            // Out of order: migrations numbered below one already applied (V5 after V7) still run once.
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").outOfOrder(true)
                    .placeholders(Map.of("binary", settings.isPostgres() ? "BYTEA" : "BLOB"))
                    .load().migrate();
        } catch (FlywayException e) {
            pool.close();
            throw new StoreException("cannot migrate " + settings.describe() + ": " + rootMessage(e), e);
        }
        return new Database(settings, pool);
    }

    public DataSource dataSource() {
        return pool;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** True when a connection can be had and answers: for readiness. */
    public boolean healthy() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
