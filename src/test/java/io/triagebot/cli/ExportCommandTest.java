package io.triagebot.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triagebot.incident.EventType;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentStore;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.store.Database;
import io.triagebot.store.DatabaseSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import io.triagebot.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {

    @TempDir
    Path data;

    @Test
    void exportsMarkdownAndJsonFromTheDataDirectory() throws Exception {
        Incident i;
        try (Database db = Database.open(DatabaseSettings.embedded(data))) {
            IncidentStore store = new IncidentStore(db);
            i = store.open("C1", "U1", "db-3", Instant.parse("2026-11-25T01:00:00Z"), "triage of db-3 requested by U1",
                    inc -> new OutgoingMessage(OutboxKind.ANCHOR, "{}"));
            store.append(i.id(), EventType.NOTE, "U2", Instant.parse("2026-11-25T01:05:00Z"), "failover started", null,
                    List.of());
            store.resolve(i.id(), "U2", Instant.parse("2026-11-25T01:30:00Z"), "memory limit raised", "resolved",
                    List.of());
        }
        CliRun md = CliRun.of("export", i.id().toString(), "--data-dir", data.toString());
        assertEquals(ExitCodes.OK, md.exit(), md.err());
        assertTrue(md.out().startsWith("# " + i.id() + ": db-3"), md.out());
        assertTrue(md.out().contains("| 2026-11-25 01:05:00 UTC | U2 | note | failover started |"), md.out());
        assertTrue(md.out().contains("30 min after opening"), md.out());

        CliRun json = CliRun.of("export", i.id().toString(), "--format", "json", "--data-dir", data.toString());
        assertEquals(ExitCodes.OK, json.exit(), json.err());
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals("RESOLVED", root.get("status").asText());
        assertEquals(3, root.get("timeline").size());
        assertEquals("memory limit raised", root.get("resolution").asText());
    }

    @Test
    void unknownIncidentAndBadIdAreUsageErrors() {
        assertEquals(ExitCodes.USAGE, CliRun.of("export", "INC-999", "--data-dir", data.toString()).exit());
        assertEquals(ExitCodes.USAGE, CliRun.of("export", "42; drop table incident", "--data-dir", data.toString()).exit());
    }
}
