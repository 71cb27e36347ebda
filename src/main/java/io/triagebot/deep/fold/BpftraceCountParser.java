package io.triagebot.deep.fold;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a bpftrace map of counts, one entry a line: {@code @retrans[10.0.0.1, 443, 10.0.0.2, 51234]: 7}.
 * The key is split on ", " into as many parts as the catalog names; extra separators are kept in the first
 * part (a process name may contain ", ", addresses and numbers cannot).
 */
public final class BpftraceCountParser {

    /** Rows kept: the largest; the rest still count in the total. */
    public static final int MAX_ROWS = 1_000;

    private BpftraceCountParser() {
    }

    public static CountTable parse(String text, String map, List<String> columns) {
        Pattern entry = Pattern.compile("^@" + Pattern.quote(map) + "\\[(.*)\\]: (\\d{1,18})$");
        List<CountTable.Row> rows = new ArrayList<>();
        long total = 0;
        for (String raw : text.split("\n", -1)) {
            Matcher m = entry.matcher(raw.strip());
            if (!m.matches()) {
                continue;
            }
            long count = Long.parseLong(m.group(2));
            total += count;
            rows.add(new CountTable.Row(split(m.group(1), columns.size()), count));
        }
        rows.sort(Comparator.comparingLong(CountTable.Row::count).reversed());
        return new CountTable(columns, rows.size() > MAX_ROWS ? rows.subList(0, MAX_ROWS) : rows, total);
    }

    static List<String> split(String key, int parts) {
        List<String> all = new ArrayList<>(Arrays.asList(key.split(", ", -1)));
        while (all.size() > Math.max(1, parts)) {
            all.set(0, all.get(0) + ", " + all.remove(1));
        }
        while (all.size() < parts) {
            all.add("");
        }
        return all;
    }
}
