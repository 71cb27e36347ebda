package io.triagebot.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.approval.ActionCard;
import io.triagebot.approval.ActionExecutor;
import io.triagebot.approval.ActionRecord;
import io.triagebot.approval.ActionState;
import io.triagebot.approval.Verification;
import io.triagebot.incident.IncidentId;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import io.triagebot.runbook.VerificationMetric;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Action cards as Slack gets them: buttons that carry the token only, host text that cannot break out. */
class SlackActionPresenterTest {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");

    final SlackActionPresenter presenter = new SlackActionPresenter();

    @Test
    void aProposedCardOffersThreeButtonsCarryingTheTokenOnly() {
        OutgoingMessage m = presenter.card(card(ActionState.PROPOSED, null, List.of()));
        assertEquals(OutboxKind.REPLY, m.kind());
        assertEquals("action-7", m.key(), "updates rewrite this message");
        String body = decoded(m);
        assertEquals(List.of(TOKEN, TOKEN, TOKEN), values(body));
        assertTrue(body.contains(SlackActionPresenter.APPROVE) && body.contains(SlackActionPresenter.DRY_RUN)
                && body.contains(SlackActionPresenter.REJECT), body);
        assertTrue(body.contains("sysctl -w vm.swappiness=10"), "the exact command: " + body);
        assertTrue(body.contains("\"confirm\""), "approve asks for confirmation: " + body);
        assertEquals(OutboxKind.UPDATE, presenter.cardUpdate(card(ActionState.PROPOSED, null, List.of())).kind());
    }

    @Test
    void decidedCardsLoseTheirButtonsAndAppliedOnesOfferRollback() {
        assertTrue(values(decoded(presenter.cardUpdate(card(ActionState.EXPIRED, null, List.of())))).isEmpty());
        assertTrue(values(decoded(presenter.cardUpdate(card(ActionState.REJECTED, null, List.of())))).isEmpty());
        String ran = decoded(presenter.cardUpdate(card(ActionState.EXECUTED, "60\n", List.of("U2"))));
        assertEquals(List.of(TOKEN), values(ran));
        assertTrue(ran.contains(SlackActionPresenter.ROLLBACK) && ran.contains("<@U2>") && ran.contains("`60`"), ran);
        String rolledBack = decoded(presenter.cardUpdate(card(ActionState.ROLLED_BACK, "60\n", List.of("U2"))));
        assertTrue(values(rolledBack).isEmpty(), "nothing left to undo: " + rolledBack);
    }

    @Test
    void hostOutputCannotMentionEveryoneOrCloseTheCodeBlock() {
        ActionExecutor.Execution e = new ActionExecutor.Execution(true, "60", 1,
                "<!channel> ```\nsysctl: permission denied & more", false, "sysctl -w vm.swappiness=10");
        String body = decoded(presenter.result(card(ActionState.FAILED, "60", List.of("U2")), e));
        assertFalse(body.contains("<!channel>"), body);
        assertTrue(body.contains("&lt;!channel&gt;") && body.contains("&amp; more"), body);
        assertEquals(2, count(body, "```"), "only the block's own fences: " + body);
    }

    @Test
    void verdictsSayWhatHappenedAndOfferRollbackWhenThereIsOne() {
        ActionCard applied = card(ActionState.NOT_IMPROVED, "60", List.of("U2"));
        String worse = decoded(presenter.verification(applied, new Verification(
                VerificationMetric.SWAP_OUT_PAGES_PER_SECOND, VerificationMetric.Direction.DOWN, OptionalDouble.of(4200),
                OptionalDouble.of(4300), null)));
        assertTrue(worse.contains("4,200 -> 4,300") && worse.contains("consider rolling back"), worse);
        assertTrue(worse.contains(SlackActionPresenter.ROLLBACK), worse);
        String better = decoded(presenter.verification(card(ActionState.VERIFIED, "60", List.of("U2")),
                new Verification(VerificationMetric.SWAP_OUT_PAGES_PER_SECOND, VerificationMetric.Direction.DOWN,
                        OptionalDouble.of(4200), OptionalDouble.of(12), null)));
        assertTrue(better.contains("4,200 -> 12") && better.contains("improved"), better);
        String unknown = decoded(presenter.verification(card(ActionState.NOT_IMPROVED, "60", List.of("U2")),
                new Verification(VerificationMetric.SWAP_OUT_PAGES_PER_SECOND, VerificationMetric.Direction.DOWN,
                        OptionalDouble.of(4200), OptionalDouble.empty(), "cannot re-triage db-3: <refused>")));
        assertTrue(unknown.contains("could not measure") && unknown.contains("&lt;refused&gt;"), unknown);
    }

    private static ActionCard card(ActionState state, String previous, List<String> approvers) {
        ActionRecord a = new ActionRecord(7, TOKEN, new IncidentId(3), "swap-death-spiral", "vm-swappiness", "db-3",
                Map.of("value", "10"), null, state, "U1", T0, T0.plusSeconds(900), approvers.isEmpty() ? null
                        : approvers.get(0), null, previous, state == ActionState.FAILED ? 1 : 0, "", T0, null, 4200.0,
                null, null, 1, "swapOutPagesPerSecond");
        return new ActionCard(a, "Prefer dropping page cache over swapping (vm.swappiness)", "sysctl -w vm.swappiness=10",
                "low", approvers, "pages swapped out per second should go down");
    }

    private static String decoded(OutgoingMessage m) {
        return SlackBlocks.readable(m.body());
    }

    private static List<String> values(String body) {
        return SlackBlocks.values(body);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
