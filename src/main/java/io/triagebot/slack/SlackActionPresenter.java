package io.triagebot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import io.triagebot.approval.ActionCard;
import io.triagebot.approval.ActionExecutor;
import io.triagebot.approval.ActionPresenter;
import io.triagebot.approval.ActionRecord;
import io.triagebot.approval.ActionState;
import io.triagebot.approval.DryRun;
import io.triagebot.approval.Verification;
import io.triagebot.incident.OutboxKind;
import io.triagebot.incident.OutgoingMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Action cards and their results as Slack messages. A card's buttons carry the action's opaque token and
 * nothing else; what runs is what the database holds for that token.
 */
public final class SlackActionPresenter implements ActionPresenter {

    static final String APPROVE = "action_approve";
    static final String DRY_RUN = "action_dry_run";
    static final String REJECT = "action_reject";
    static final String ROLLBACK = "action_rollback";

    /** Output shown in the thread; the whole (bounded) output is in the timeline. */
    static final int MAX_OUTPUT_CHARS = 1500;

    @Override
    public OutgoingMessage card(ActionCard card) {
        return MessageCodec.message(OutboxKind.REPLY, cardMessage(card), card.key());
    }

    @Override
    public OutgoingMessage cardUpdate(ActionCard card) {
        return MessageCodec.message(OutboxKind.UPDATE, cardMessage(card), card.key());
    }

    @Override
    public OutgoingMessage result(ActionCard card, ActionExecutor.Execution e) {
        ActionRecord a = card.action();
        String head = (e.succeeded() ? ":white_check_mark: " : ":x: ") + "*" + Mrkdwn.escape(card.title()) + "* on "
                + Mrkdwn.code(a.host()) + (e.state() == ActionState.TIMED_OUT ? " *timed out*"
                        : e.preconditionMet() ? " exited *" + e.exitCode() + "*"
                        : " *did not run*: nothing was changed")
                + " (approved by " + mentions(card.approvers()) + ")";
        StringBuilder s = new StringBuilder(head).append("\n").append(Mrkdwn.code(e.command()));
        if (e.previous() != null) {
            s.append("\nValue before: ").append(Mrkdwn.code(e.previous().strip()))
                    .append(a.isRollback() ? " (restored)" : " (the rollback restores it)");
        }
        if (e.succeeded()) {
            s.append(e.applied() ? "\nRead back on the host: the new value holds."
                    : a.isRollback() ? "" : "\nRead back on the host: the new value could not be confirmed.");
        }
        List<BlockElement> buttons = e.succeeded() ? List.of() : rollbackButton(a);
        if (e.mayHaveTakenEffect()) {
            s.append(a.state() == ActionState.TIMED_OUT ? "\n*Timed out*: it may have taken effect."
                    : "\nThe command started: it may have taken effect.");
            if (!buttons.isEmpty()) {
                s.append(" Roll back restores ").append(Mrkdwn.code(a.previousValue().strip())).append('.');
            }
        }
        if (e.output() != null && !e.output().isBlank()) {
            s.append("\n```").append(block(e.output())).append("```");
        }
        return reply(s.toString(), buttons);
    }

    @Override
    public OutgoingMessage interrupted(ActionCard card) {
        ActionRecord a = card.action();
        boolean commandReached = "command".equals(a.step()) || "read-back".equals(a.step());
        StringBuilder s = new StringBuilder(":warning: *").append(Mrkdwn.escape(card.title())).append("* on ")
                .append(Mrkdwn.code(a.host())).append(": *outcome unknown*. The bot running it stopped ")
                .append(commandReached ? "while the command ran (or just after): the change may or may not have"
                        + " taken effect."
                        : "before the command started: nothing should have changed, but check the host.")
                .append("\n").append(Mrkdwn.code(card.command()));
        s.append("\nValue before: ").append(a.previousValue() == null ? "_none captured_"
                : Mrkdwn.code(a.previousValue().strip()));
        List<BlockElement> buttons = rollbackButton(a);
        if (!buttons.isEmpty()) {
            s.append("\nRoll back restores it; it needs approval like any action.");
        }
        return reply(s.toString(), buttons);
    }

    @Override
    public OutgoingMessage verification(ActionCard card, Verification v) {
        ActionRecord a = card.action();
        StringBuilder s = new StringBuilder();
        switch (v.outcome()) {
            case IMPROVED -> s.append(":chart_with_downwards_trend: *").append(Mrkdwn.escape(card.title()))
                    .append("*: ").append(comparison(v)).append(": *improved*");
            case NO_IMPROVEMENT -> s.append(":warning: *").append(Mrkdwn.escape(card.title())).append("*: ")
                    .append(comparison(v)).append(": *no improvement*: consider rolling back");
            default -> s.append(":grey_question: *").append(Mrkdwn.escape(card.title())).append("*: could not measure")
                    .append(v.metric() == null ? "" : " " + Mrkdwn.escape(v.metric().description()))
                    .append(v.problem() == null ? "" : " (" + Mrkdwn.escape(v.problem()) + ")");
        }
        s.append(" on ").append(Mrkdwn.code(a.host())).append(", after the runbook's settle time.");
        List<BlockElement> buttons = rollbackButton(a);
        if (!buttons.isEmpty()) {
            s.append("\nRoll back restores ").append(Mrkdwn.code(a.previousValue().strip()))
                    .append("; it needs an approval like any action.");
        }
        return reply(s.toString(), buttons);
    }

    /** The ephemeral answer to "Dry run": the exact command, the current value, the quality checks. */
    SlackMessage dryRun(DryRun d) {
        ActionRecord a = d.card().action();
        StringBuilder s = new StringBuilder(":mag: *Dry run: ").append(Mrkdwn.escape(d.card().title())).append("* on ")
                .append(Mrkdwn.code(a.host())).append(" (nothing was changed)\n*Command:* ").append(Mrkdwn.code(d.card().command()))
                .append("\n*Current value:* ").append(d.current() == null ? "_unknown_" : Mrkdwn.code(d.current()))
                .append("\n*Rollback:* ").append(Mrkdwn.escape(d.rollback()));
        if (d.problem() != null) {
            s.append("\n:warning: ").append(Mrkdwn.escape(d.problem()));
        }
        for (String line : d.qualityChecks()) {
            s.append("\n• ").append(Mrkdwn.escape(line));
        }
        String text = s.toString();
        return new SlackMessage(Mrkdwn.fallback(text), SectionSplitter.sections(text, SlackLimits.BLOCKS));
    }

    private SlackMessage cardMessage(ActionCard card) {
        ActionRecord a = card.action();
        String head = (a.isRollback() ? ":leftwards_arrow_with_hook: " : ":wrench: ") + "*"
                + Mrkdwn.escape(card.title()) + "*" + (a.isRollback() ? "" : " for " + Mrkdwn.code(a.pattern()))
                + "\n" + Mrkdwn.code(card.command()) + " on " + Mrkdwn.code(a.host()) + " · risk *"
                + Mrkdwn.escape(card.risk()) + "* · needs " + a.approvalsRequired() + " approval"
                + (a.approvalsRequired() == 1 ? "" : "s") + " from someone other than "
                + SlackIds.mention(a.requestedBy())
                + (a.proposedBy() == null || a.proposedBy().equals(a.requestedBy()) ? ""
                        : " and " + SlackIds.mention(a.proposedBy()))
                + (card.expectation() == null ? "" : "\n_Expected:_ " + Mrkdwn.escape(card.expectation()));
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.addAll(SectionSplitter.sections(head, SlackLimits.BLOCKS - 2));
        String status = status(card);
        blocks.add(context(c -> c.elements(List.of(markdownText(status)))));
        List<BlockElement> buttons = new ArrayList<>();
        if (a.state() == ActionState.PROPOSED) {
            String token = a.token();
            buttons.add(button(b -> b.actionId(APPROVE).text(plainText("Approve & run")).value(token).style("primary")
                    .confirm(confirmationDialog(c -> c.title(plainText("Run on "
                            + Mrkdwn.clip(Mrkdwn.escape(a.host()), 16) + "?"))
                            .text(plainText(Mrkdwn.clip(Mrkdwn.escape(card.command()), SlackLimits.CONFIRM_TEXT)))
                            .confirm(plainText("Run it"))
                            .deny(plainText("Cancel"))))));
            buttons.add(button(b -> b.actionId(DRY_RUN).text(plainText("Dry run")).value(token)));
            buttons.add(button(b -> b.actionId(REJECT).text(plainText("Reject")).value(token).style("danger")));
        } else {
            buttons.addAll(rollbackButton(a));
        }
        if (!buttons.isEmpty()) {
            blocks.add(actions(x -> x.elements(buttons)));
        }
        return new SlackMessage(Mrkdwn.fallback(Mrkdwn.escape(card.title()) + " on " + Mrkdwn.escape(a.host()) + ": "
                + status), blocks);
    }

    /** One line saying where the action stands. */
    static String status(ActionCard card) {
        ActionRecord a = card.action();
        String approvedBy = card.approvers().isEmpty() ? "" : "approved by " + mentions(card.approvers());
        return switch (a.state()) {
            case PROPOSED -> (card.approvers().isEmpty() ? "Awaiting approval"
                    : "Awaiting approval: " + approvedBy + " (" + card.approvers().size() + " of "
                            + a.approvalsRequired() + ")")
                    + " · expires <!date^" + a.expiresAt().getEpochSecond() + "^{time}|" + a.expiresAt() + ">";
            case EXECUTING -> ":hourglass_flowing_sand: Running, " + approvedBy;
            case EXECUTED -> ":white_check_mark: Ran, " + approvedBy + previous(a)
                    + (a.isRollback() ? "" : " · verifying after the settle time");
            case FAILED -> ":x: Failed (exit " + a.exitCode() + "), " + approvedBy + previous(a)
                    + ": details in the thread";
            case TIMED_OUT -> ":hourglass: Timed out, " + approvedBy + previous(a)
                    + ": it may have taken effect; details in the thread";
            case UNKNOWN -> ":warning: Outcome unknown (the bot stopped while it ran), " + approvedBy + previous(a);
            case VERIFIED -> ":white_check_mark: Ran, " + approvedBy + previous(a) + " · verified: improved";
            case NOT_IMPROVED -> ":warning: Ran, " + approvedBy + previous(a) + " · verified: "
                    + Mrkdwn.escape(a.verdict() == null ? "no improvement" : a.verdict());
            case REJECTED -> ":no_entry_sign: Rejected by " + SlackIds.mention(a.decidedBy());
            case EXPIRED -> ":hourglass: Expired unapproved";
            case ROLLED_BACK -> ":leftwards_arrow_with_hook: Rolled back" + previous(a);
        };
    }

    private static String previous(ActionRecord a) {
        return a.previousValue() == null ? "" : " · value before: " + Mrkdwn.code(a.previousValue().strip());
    }

    private static List<BlockElement> rollbackButton(ActionRecord a) {
        if (!a.undoable()) {
            return List.of();
        }
        return List.of(button(b -> b.actionId(ROLLBACK).text(plainText("Roll back")).value(a.token())));
    }

    private static String comparison(Verification v) {
        return Mrkdwn.escape(v.metric().description()) + " " + v.change();
    }

    private static String mentions(List<String> users) {
        return users.isEmpty() ? "nobody" : users.stream().map(SlackIds::mention).collect(Collectors.joining(", "));
    }

    /**
     * Host output inside a code block: escaped, then clipped (so escapes cannot make it longer than shown),
     * and unable to close the block early.
     */
    private static String block(String output) {
        return Mrkdwn.clip(Mrkdwn.escape(output.strip()).replace("```", "'''"), MAX_OUTPUT_CHARS);
    }

    private static OutgoingMessage reply(String mrkdwn, List<BlockElement> buttons) {
        List<LayoutBlock> blocks = new ArrayList<>(SectionSplitter.sections(mrkdwn, SlackLimits.BLOCKS - 1));
        if (!buttons.isEmpty()) {
            blocks.add(actions(x -> x.elements(buttons)));
        }
        return MessageCodec.message(OutboxKind.REPLY, new SlackMessage(Mrkdwn.fallback(mrkdwn), blocks));
    }
}
