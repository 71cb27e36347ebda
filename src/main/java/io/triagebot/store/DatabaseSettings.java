package io.triagebot.store;

import java.nio.file.Path;

/**
 * Where incidents live: an embedded H2 file under the data directory by default (zero set-up), or
 * PostgreSQL by JDBC URL for production and for several replicas.
 *
 * @param password from the environment only, never from a file
 */
public record DatabaseSettings(String url, String user, String password) {

    public static DatabaseSettings embedded(Path dataDir) {
        return new DatabaseSettings("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("triagebot")
                + ";DB_CLOSE_ON_EXIT=FALSE", "triagebot", "");
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /** The URL without credentials, for logs and errors. */
    public String describe() {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
