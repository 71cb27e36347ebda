package io.triagebot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.model.block.LayoutBlock;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.IncidentStatus;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.incident.Recollection;
import io.triagebot.testsupport.SlackPublishedLimits;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Slack's limits hold after escaping, for every message the bot makes, however long the person's text. */
class SlackLimitsTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    final SlackIncidentPresenter presenter = new SlackIncidentPresenter(Clock.fixed(T0.plusSeconds(3600),
            ZoneOffset.UTC));

    @Test
    void clippingNeverCutsAnEscapeNorASurrogatePair() {
        String escaped = Mrkdwn.escape("ab<<<<");
        for (int max = 3; max < escaped.length(); max++) {
            String clipped = SlackLimits.clip(escaped, max);
            assertTrue(clipped.length() <= max, clipped);
            assertTrue(clipped.endsWith("…"), clipped);
            assertTrue(clipped.replace("&lt;", "").matches("ab…"), "whole escapes only: " + clipped);
        }
        String emoji = "a" + "\uD83D\uDD25".repeat(3);
        assertEquals("a\uD83D\uDD25…", SlackLimits.clip(emoji, 5));
        assertEquals("short", SlackLimits.clip("short", 5));
    }

    @Test
    void aLongNoteOrOneOfAngleBracketsContinuesInFurtherSectionsWithNothingLost() throws Exception {
        for (String note : List.of("x".repeat(2990), "<".repeat(1000), "word ".repeat(598), "&".repeat(2990))) {
            List<String> sections = sectionTexts(presenter.note(incident(), "U0ONCALL", note));
            String joined = String.join("\n", sections);
            assertTrue(joined.contains(Mrkdwn.escape(note).substring(0, 100)), "the note's start is there");
            assertEquals(Mrkdwn.escape(note).length(), count(joined.replace("\n", ""), Mrkdwn.escape(note)),
                    "every character of the escaped note is sent");
            assertWithinPublishedLimits(presenter.note(incident(), "U0ONCALL", note));
        }
        assertTrue(sectionTexts(presenter.note(incident(), "U0ONCALL", "<".repeat(1000))).size() >= 2,
                "4,000 escaped characters take two sections");
    }

    @Test
    void resolutionsAndRecallQuotingThemStayWithinLimits() throws Exception {
        String resolution = "<".repeat(3000);
        assertWithinPublishedLimits(presenter.resolved(resolvedIncident(resolution), "U0ONCALL", resolution));
        assertWithinPublishedLimits(presenter.anchorResolved(resolvedIncident(resolution)));
        List<Recollection> past = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            past.add(new Recollection(resolvedIncident("&".repeat(4000)), true, true, List.of("<".repeat(500))));
        }
        OutgoingMessage recall = presenter.recall(incident(), past);
        assertWithinPublishedLimits(recall);
        assertTrue(sectionTexts(recall).size() > 3, "continued, not cut");
    }

    @Test
    void anyMessageIsFittedWhenMadeAndTooManyBlocksAreRefused() {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText("h".repeat(400)))));
        blocks.add(section(s -> s.text(markdownText("&lt;".repeat(2000)))));
        blocks.add(actions(a -> a.elements(List.of(button(b -> b.text(plainText("b".repeat(200))).value("v")
                .actionId("a"))))));
        SlackMessage m = new SlackMessage("&amp;".repeat(20_000), blocks);
        assertNull(SlackPublishedLimits.violation(Map.of("text", m.text(), "blocks", blocksJson(m))));
        assertTrue(m.text().length() <= SlackLimits.MESSAGE_TEXT);
        assertThrows(IllegalArgumentException.class, () -> new SlackMessage("t",
                Collections.nCopies(51, section(s -> s.text(markdownText("x"))))));
    }

    @Test
    void fallbackTextsCarryHostDataEscaped() {
        Incident i = new Incident(new IncidentId(3), "C1", null, "db-3", "U1", T0, IncidentStatus.OPEN, null, null,
                null, null, null, null, null);
        String failed = MessageCodec.decodeMessage(presenter.anchorFailed(i,
                io.triagebot.probe.TargetException.Kind.TRANSPORT, "sshd said <!channel> & <@U1>").body()).text();
        assertFalse(failed.contains("<!") || failed.contains("<@"), failed);
        assertTrue(failed.contains("&lt;!channel&gt;"), failed);
    }

    private static long count(String haystack, String needle) {
        // The escaped note is split only at line or escape boundaries: its characters appear in order.
        StringBuilder seen = new StringBuilder();
        int from = 0;
        for (char c : needle.toCharArray()) {
            int at = haystack.indexOf(c, from);
            if (at < 0) {
                break;
            }
            seen.append(c);
            from = at + 1;
        }
        return seen.length();
    }

    private static void assertWithinPublishedLimits(OutgoingMessage m) throws Exception {
        SlackMessage decoded = MessageCodec.decodeMessage(m.body());
        Map<String, String> form = Map.of("text", decoded.text(), "blocks", blocksJson(decoded));
        assertNull(SlackPublishedLimits.violation(form), "within Slack's limits: " + m.body().length() + " chars");
    }

    private static String blocksJson(SlackMessage m) {
        return com.slack.api.util.json.GsonFactory.createSnakeCase().toJson(m.blocks());
    }

    private static List<String> sectionTexts(OutgoingMessage m) throws Exception {
        JsonNode blocks = JSON.readTree(m.body()).path("blocks");
        List<String> out = new ArrayList<>();
        for (JsonNode b : blocks) {
            if ("section".equals(b.path("type").asText())) {
                out.add(b.path("text").path("text").asText());
            }
        }
        return out;
    }

    private static Incident incident() {
        return new Incident(new IncidentId(3), "C1", "1.1", "db-3", "U1", T0, IncidentStatus.OPEN, "HIGH", "h", "p",
                "p", null, null, null);
    }

    private static Incident resolvedIncident(String resolution) {
        return new Incident(new IncidentId(2), "C1", "1.1", "db-3", "U1", T0, IncidentStatus.RESOLVED, "HIGH",
                "<".repeat(1000), "p", "p", T0.plusSeconds(60), "U2", resolution);
    }
}
