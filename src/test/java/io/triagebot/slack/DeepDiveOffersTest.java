package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.util.json.GsonFactory;
import io.triagebot.analysis.Finding;
import io.triagebot.analysis.Severity;
import io.triagebot.deep.DeepCatalogLoader;
import io.triagebot.incident.IncidentId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeepDiveOffersTest {

    private static final Gson GSON = GsonFactory.createSnakeCase();

    private final DeepDiveOffers offers = new DeepDiveOffers(DeepCatalogLoader.loadBuiltIn());

    DeepDiveOffersTest() throws Exception {
    }

    @Test
    void eachFindingOffersTheProbesThatExplainIt() {
        assertEquals(List.of("cpu", "runqlat"), ids("cpu-saturation"));
        assertEquals(List.of("runqlat"), ids("context-switch-explosion"));
        assertEquals(List.of("biolat"), ids("io-stall"));
        assertEquals(List.of("tcpretrans"), ids("tcp-collapse"));
        assertEquals(List.of(), ids("oom-kill"));
        assertEquals(Optional.empty(), offers.buttons(new IncidentId(1), 1, "oom-kill", "db-3"));
    }

    @Test
    void buttonsCarryAReferenceAndAConfirmWithOverheadAndDuration() {
        ActionsBlock block = (ActionsBlock) offers.buttons(new IncidentId(42), 3, "cpu-saturation",
                "<!channel> db-3 & *bold*").orElseThrow();
        List<ButtonElement> buttons = block.getElements().stream().map(ButtonElement.class::cast).toList();
        assertEquals(List.of("Profile CPU 10 s", "Run-queue latency 10 s"),
                buttons.stream().map(b -> b.getText().getText()).toList());
        assertEquals(List.of("INC-42:3:cpu", "INC-42:3:runqlat"), buttons.stream().map(ButtonElement::getValue).toList());
        assertEquals(List.of("deep_dive_cpu", "deep_dive_runqlat"), buttons.stream().map(ButtonElement::getActionId)
                .toList());
        for (ButtonElement b : buttons) {
            assertTrue(DeepDiveOffers.ACTION_IDS.matcher(b.getActionId()).matches());
            String text = b.getConfirm().getText().getText();
            assertTrue(text.length() <= SlackLimits.CONFIRM_TEXT, text);
            assertTrue(b.getConfirm().getTitle().getText().length() <= SlackLimits.CONFIRM_TITLE);
            assertTrue(text.contains("for 10 s") && text.contains("Overhead on the host"), text);
            assertTrue(text.contains("&lt;!channel&gt; db-3 &amp; *bold*"), "the host is escaped: " + text);
            assertFalse(text.contains("<!channel>"), text);
        }
        assertTrue(buttons.get(0).getConfirm().getText().getText().contains("About 1% of each CPU"));
        // Slack's own check: every field within its published limit once serialised.
        assertTrue(GSON.toJson(block).length() < 3000);
    }

    @Test
    void onlyAWellFormedReferenceMatchingItsButtonIsAccepted() {
        assertEquals(Optional.of(new DeepDiveOffers.Reference(new IncidentId(7), 2, "cpu")),
                DeepDiveOffers.parse("INC-7:2:cpu", "deep_dive_cpu"));
        for (String forged : List.of("INC-7:2:runqlat", "INC-7:0:cpu", "INC-7:2:cpu;reboot", "$(reboot)", "",
                "INC-7:2:cpu\n", "INC-7:1234:cpu", "INC-" + "9".repeat(16) + ":1:cpu")) {
            assertEquals(Optional.empty(), DeepDiveOffers.parse(forged, "deep_dive_cpu"), forged);
        }
        assertEquals(Optional.empty(), DeepDiveOffers.parse(null, "deep_dive_cpu"));
        assertEquals(Optional.empty(), DeepDiveOffers.parse("INC-7:2:cpu", null));
    }

    @Test
    void theSummaryCarriesTheButtonsUnderTheFindingsTheyExplain() {
        Finding cpu = SlackReportRendererTest.finding("cpu-saturation", "CPUs saturated", "slow");
        Finding oom = SlackReportRendererTest.finding("oom-kill", "a kill", "lost work");
        var report = SlackReportRendererTest.report(Severity.HIGH, List.of(oom, cpu), List.of());
        List<LayoutBlock> blocks = new SlackReportRenderer(offers).render(report, new IncidentId(5)).get(0).blocks();
        List<ActionsBlock> actions = blocks.stream().filter(ActionsBlock.class::isInstance).map(ActionsBlock.class::cast)
                .toList();
        assertEquals(1, actions.size(), "only the CPU finding offers deep dives");
        assertEquals("INC-5:2:cpu", ((ButtonElement) actions.get(0).getElements().get(0)).getValue());
        int at = blocks.indexOf(actions.get(0));
        assertTrue(GSON.toJson(blocks.get(at - 1)).contains("CPUs saturated"), "right under its finding");
        assertTrue(new SlackReportRenderer().render(report).get(0).blocks().stream()
                .noneMatch(ActionsBlock.class::isInstance), "no incident, no buttons");
    }

    private List<String> ids(String pattern) {
        return offers.offered(pattern).stream().map(p -> p.id()).toList();
    }
}
