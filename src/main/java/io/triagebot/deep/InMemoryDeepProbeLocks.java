package io.triagebot.deep;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Claims held in this process: for the command line, which runs one probe and exits. */
public final class InMemoryDeepProbeLocks implements DeepProbeLocks {

    private record Row(String token, String kind, String requestedBy, Instant startedAt, Instant leaseUntil,
            Instant cooldownUntil) {
    }

    private final Map<String, Row> rows = new HashMap<>();

    @Override
    public synchronized Claim acquire(String host, String kind, String requestedBy, Instant now, Instant leaseUntil) {
        Row row = rows.get(host);
        if (row != null && row.token() != null && row.leaseUntil().isAfter(now)) {
            return new Busy(row.kind(), row.requestedBy(), row.startedAt(), row.leaseUntil());
        }
        if (row != null && row.cooldownUntil() != null && row.cooldownUntil().isAfter(now)) {
            return new CoolingDown(row.cooldownUntil());
        }
        String token = UUID.randomUUID().toString().replace("-", "");
        rows.put(host, new Row(token, kind, requestedBy, now, leaseUntil, null));
        return new Granted(host, token);
    }

    @Override
    public synchronized void release(Granted claim, Instant cooldownUntil) {
        Row row = rows.get(claim.host());
        if (row != null && claim.token().equals(row.token())) {
            rows.put(claim.host(), new Row(null, row.kind(), row.requestedBy(), row.startedAt(), null, cooldownUntil));
        }
    }
}
