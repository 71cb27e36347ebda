package io.triagebot.deep;

import io.triagebot.store.Database;
import io.triagebot.store.Jdbc;
import io.triagebot.store.StoreException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Claims in the database (table {@code deep_probe_host}, one row per host), shared by every bot replica.
 * The claim is a conditional UPDATE naming the state it leaves (no live lease, no cooldown): of any number
 * of simultaneous claims on one host, exactly one sees "1 row updated". A lease that lapses (its holder
 * died mid-run) frees the host by itself; a release only ends the claim whose token it holds.
 */
public final class JdbcDeepProbeLocks implements DeepProbeLocks {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;

    public JdbcDeepProbeLocks(Database database) {
        this.jdbc = new Jdbc(database.dataSource());
    }

    @Override
    public Claim acquire(String host, String kind, String requestedBy, Instant now, Instant leaseUntil)
            throws StoreException {
        ensureRow(host);
        String token = newToken();
        return jdbc.inTransaction(c -> {
            int claimed = Jdbc.update(c, "UPDATE deep_probe_host SET token = ?, kind = ?, requested_by = ?,"
                    + " started_at = ?, lease_until = ?, cooldown_until = NULL WHERE host = ?"
                    + " AND (lease_until IS NULL OR lease_until <= ?) AND (cooldown_until IS NULL OR cooldown_until <= ?)",
                    token, kind, Jdbc.fit(requestedBy, 64), now, leaseUntil, host, now, now);
            if (claimed == 1) {
                return new Granted(host, token);
            }
            List<Claim> state = Jdbc.query(c, "SELECT * FROM deep_probe_host WHERE host = ?", rs -> {
                Instant lease = Jdbc.instant(rs, "lease_until");
                if (lease != null && lease.isAfter(now)) {
                    return new Busy(rs.getString("kind"), rs.getString("requested_by"), Jdbc.instant(rs, "started_at"),
                            lease);
                }
                return new CoolingDown(Jdbc.instant(rs, "cooldown_until"));
            }, host);
            return state.get(0);
        });
    }

    @Override
    public void release(Granted claim, Instant cooldownUntil) throws StoreException {
        jdbc.inTransaction(c -> Jdbc.update(c, "UPDATE deep_probe_host SET token = NULL, lease_until = NULL,"
                + " cooldown_until = ? WHERE host = ? AND token = ?", cooldownUntil, claim.host(), claim.token()));
    }

    /** The host's row, created on first use; a simultaneous creation by another replica is just as good. */
    private void ensureRow(String host) throws StoreException {
        try {
            jdbc.inTransaction(c -> Jdbc.update(c, "INSERT INTO deep_probe_host (host) SELECT ? WHERE NOT EXISTS"
                    + " (SELECT 1 FROM deep_probe_host WHERE host = ?)", host, host));
        } catch (StoreException e) {
            if (!(e.getCause() instanceof SQLException sql) || sql.getSQLState() == null
                    || !sql.getSQLState().startsWith("23")) {
                throw e;
            }
        }
    }

    private static String newToken() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
