package io.triagebot.deep.fold;

import java.util.List;

/**
 * A bpftrace histogram: buckets {@code [low, high)} with their counts, in order.
 *
 * @param buckets in increasing order
 * @param unit the values' unit ("microseconds"), or null
 */
public record Histogram(List<Bucket> buckets, String unit) {

    /**
     * One bucket.
     *
     * @param low inclusive lower bound ({@link Long#MIN_VALUE} for bpftrace's "(..., X)" bucket)
     * @param high exclusive upper bound
     * @param label as bpftrace printed it, e.g. "[4K, 8K)"
     */
    public record Bucket(long low, long high, long count, String label) {
    }

    public Histogram {
        buckets = List.copyOf(buckets);
    }

    public long total() {
        return buckets.stream().mapToLong(Bucket::count).sum();
    }

    public boolean isEmpty() {
        return total() == 0;
    }

    /** Index of the bucket holding the {@code p}-quantile (0 to 1), or -1 when empty. */
    public int quantileBucket(double p) {
        long total = total();
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(p * total);
        long seen = 0;
        for (int i = 0; i < buckets.size(); i++) {
            seen += buckets.get(i).count();
            if (seen >= Math.max(1, rank)) {
                return i;
            }
        }
        return buckets.size() - 1;
    }

    /** The {@code p}-quantile's bucket, e.g. "[8, 16)", or "none" when empty. */
    public String quantileLabel(double p) {
        int i = quantileBucket(p);
        return i < 0 ? "none" : buckets.get(i).label();
    }
}
