package io.triagebot.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Markdown postmortem keeps its structure whatever the host and the people wrote. */
class PostmortemTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final IncidentId ID = new IncidentId(7);

    @Test
    void hostTextCannotCloseACodeBlockNorStartAHeading() {
        String output = "line one\n```\n# not a heading\n````\nlast line";
        String findings = """
                {"severity":"HIGH","headline":"```\\n# injected heading","findings":[{"pattern":"p","severity":"HIGH",
                "status":"CONFIRMED","title":"t | x","impact":"i\\n## fake","evidence":["```","<!channel> ran"]}],
                "escalations":[{"trigger":"hung-task","recent":true,"line":"INFO: task `` ``` <!here>:1 blocked"}]}""";
        Incident incident = new Incident(ID, "C1", "1.1", "db-3", "U1", T0, IncidentStatus.RESOLVED, "HIGH",
                "```", "p", "p", T0.plusSeconds(60), "U2", "fixed | it\n```\n# done");
        List<TimelineEvent> timeline = List.of(
                new TimelineEvent(1, ID, 1, EventType.TRIAGE_REQUESTED, "U1", T0, "triage of db-3", null),
                new TimelineEvent(2, ID, 2, EventType.FINDINGS, TimelineEvent.BOT, T0, "HIGH: ```", findings),
                new TimelineEvent(3, ID, 3, EventType.NOTE, "U1", T0, "note\n# heading | cell\n```", null),
                new TimelineEvent(4, ID, 4, EventType.ACTION_EXECUTED, "U2", T0, "ran\n```", output));
        String md = new Postmortem(incident, timeline).markdown();

        List<String> outside = new ArrayList<>();
        List<List<String>> blocks = codeBlocks(md, outside);
        assertEquals(1, blocks.size(), "one code block, the action's output:\n" + md);
        assertEquals(List.of("line one", "```", "# not a heading", "````", "last line"), blocks.get(0),
                "every line of the output inside it, the block closed after the last:\n" + md);
        List<String> headings = outside.stream().filter(l -> l.startsWith("#")).toList();
        assertEquals(List.of("# INC-7: db-3 (HIGH)", "## Timeline (UTC)", "## Triage at 2026-11-25 10:00:00 UTC: HIGH",
                "### 1. p (HIGH, CONFIRMED)", "## Actions"), headings, md);
        assertFalse(outside.stream().anyMatch(l -> l.strip().startsWith("```")), "no stray fence:\n" + md);
        for (String row : outside.stream().filter(l -> l.startsWith("|")).toList()) {
            boolean wide = row.startsWith("| time") || row.startsWith("|---|---|---") || row.matches("\\| \\d{4}-.*");
            assertEquals(wide ? 5 : 3, pipes(row), "no cell adds a column: " + row);
        }
        assertFalse(md.contains("<!channel>"), md);
        assertTrue(md.contains("&lt;!channel&gt; ran"), md);
    }

    /** Column separators: pipes not escaped. */
    private static long pipes(String row) {
        return row.replace("\\|", "").chars().filter(c -> c == '|').count();
    }

    /** CommonMark fenced code blocks (backtick fences, any indentation up to the list's), and the lines outside. */
    private static List<List<String>> codeBlocks(String md, List<String> outside) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        int fence = 0;
        String indent = "";
        for (String line : md.split("\n", -1)) {
            String stripped = line.stripLeading();
            int ticks = 0;
            while (ticks < stripped.length() && stripped.charAt(ticks) == '`') {
                ticks++;
            }
            if (current == null) {
                if (ticks >= 3) {
                    current = new ArrayList<>();
                    fence = ticks;
                    indent = line.substring(0, line.length() - stripped.length());
                } else {
                    outside.add(line);
                }
            } else if (ticks >= fence && stripped.substring(ticks).isBlank()) {
                blocks.add(current);
                current = null;
            } else {
                current.add(line.startsWith(indent) ? line.substring(indent.length()) : line);
            }
        }
        assertEquals(null, current, "a code block was left open:\n" + md);
        return blocks;
    }
}
