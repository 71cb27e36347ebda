package io.triagebot.deep.fold;

import java.util.List;

/**
 * A bpftrace count map: entries of key parts (as named by the catalog's {@code keys}) and a count,
 * largest first.
 */
public record CountTable(List<String> columns, List<Row> rows, long total) {

    /** One map entry. */
    public record Row(List<String> key, long count) {
        public Row {
            key = List.copyOf(key);
        }
    }

    public CountTable {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }
}
