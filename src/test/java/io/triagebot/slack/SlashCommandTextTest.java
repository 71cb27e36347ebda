package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SlashCommandTextTest {

    @Test
    void emptyAndHelpShowUsage() {
        assertInstanceOf(SlashCommandText.Help.class, SlashCommandText.parse("", 10));
        assertInstanceOf(SlashCommandText.Help.class, SlashCommandText.parse("  help ", 10));
        assertInstanceOf(SlashCommandText.Help.class, SlashCommandText.parse(null, 10));
    }

    @Test
    void hostsAreValidatedAndDeduplicated() {
        SlashCommandText t = SlashCommandText.parse("db-3  web-1 db-3", 10);
        assertEquals(2, ((SlashCommandText.Hosts) t).hosts().size());
        assertInstanceOf(SlashCommandText.Invalid.class, SlashCommandText.parse("db-3 `reboot`", 10));
        assertInstanceOf(SlashCommandText.Invalid.class, SlashCommandText.parse("a b c", 2));
    }

    @Test
    void accessPolicy() {
        assertNull(AccessPolicy.open().refusal("C1", "U1"));
        AccessPolicy p = new AccessPolicy(Set.of("C1"), Set.of("U1"));
        assertNull(p.refusal("C1", "U1"));
        assertTrue(p.refusal("C2", "U1").contains("channel"));
        assertTrue(p.refusal("C1", "U2").contains("allowed"));
    }

    @Test
    void mentionsOnlyForWellFormedIds() {
        assertEquals("<@U123>", SlackIds.mention("U123"));
        assertEquals("&lt;!channel&gt;", SlackIds.mention("<!channel>"));
    }
}
