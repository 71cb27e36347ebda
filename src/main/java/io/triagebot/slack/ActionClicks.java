package io.triagebot.slack;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import io.triagebot.approval.ActionRecord;
import io.triagebot.approval.ActionState;
import io.triagebot.approval.ApprovalDecision;
import io.triagebot.approval.ApprovalService;
import io.triagebot.approval.DryRun;
import io.triagebot.incident.Incident;
import io.triagebot.incident.IncidentService;
import io.triagebot.ops.ErrorRef;
import io.triagebot.ops.LogContext;
import io.triagebot.store.StoreException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buttons of action cards: Approve & run, Dry run, Reject and Roll back. Slack wants an answer within
 * three seconds and an execution takes longer, so each click is acknowledged at once and handled on a
 * small pool; the person who clicked gets an ephemeral answer, the thread gets the card updates through
 * the outbox. A click carries an action token and nothing else is taken from it but who clicked where.
 */
final class ActionClicks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActionClicks.class);

    /** What a click asks for. */
    enum Kind {
        APPROVE, DRY_RUN, REJECT, ROLLBACK
    }

    private final ApprovalService approvals;
    private final IncidentService incidents;
    private final OutboxDeliverer outbox;
    private final SlackPoster poster;
    private final SlackActionPresenter presenter;
    private final AccessPolicy access;
    private final ThreadPoolExecutor pool;

    ActionClicks(ApprovalService approvals, IncidentService incidents, OutboxDeliverer outbox, SlackPoster poster,
            SlackActionPresenter presenter, AccessPolicy access) {
        this.approvals = approvals;
        this.incidents = incidents;
        this.outbox = outbox;
        this.poster = poster;
        this.presenter = presenter;
        this.access = access;
        this.pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "action-click");
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Queues the click; returns at once so Bolt can acknowledge it. */
    void accept(Kind kind, BlockActionPayload payload) {
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        String token = payload.getActions() == null || payload.getActions().isEmpty() ? null
                : payload.getActions().get(0).getValue();
        String threadTs = payload.getContainer() == null ? null : payload.getContainer().getThreadTs();
        if (!SlackIds.isId(user) || !SlackIds.isId(channel) || token == null) {
            LOG.warn("ignoring a malformed {} click", kind);
            return;
        }
        Click click = new Click(kind, user, channel, SlackIds.isTs(threadTs) ? threadTs : null, token);
        try {
            pool.execute(() -> handle(click));
        } catch (RejectedExecutionException e) {
            answer(click, ":hourglass: The bot is busy with other actions; click again in a moment.");
        }
    }

    /** One click, validated. */
    private record Click(Kind kind, String user, String channel, String threadTs, String token) {
    }

    private void handle(Click click) {
        try (LogContext.Scope scope = LogContext.with(LogContext.Field.SLACK_USER, click.user()).open()) {
            handleAs(click);
        }
    }

    private void handleAs(Click click) {
        try {
            Optional<ActionRecord> action = approvals.store().findByToken(click.token());
            Optional<Incident> incident = action.isEmpty() ? Optional.empty() : incidents.find(action.get().incident());
            // A token only works in the channel of its incident.
            if (incident.isEmpty() || !incident.get().channel().equals(click.channel())) {
                answer(click, ":grey_question: This action does not exist (any more).");
                return;
            }
            String refusal = click.kind() == Kind.APPROVE ? access.channelRefusal(click.channel())
                    : access.refusal(click.channel(), click.user());
            if (refusal != null) {
                answer(click, refusal);
                return;
            }
            switch (click.kind()) {
                case APPROVE -> answer(click, describe(approvals.approve(click.token(), click.user())));
                case REJECT -> answer(click, describe(approvals.reject(click.token(), click.user())));
                case ROLLBACK -> answer(click, approvals.proposeRollback(click.token(), click.user())
                        .map(r -> ":leftwards_arrow_with_hook: Rollback proposed in the thread: someone other than you"
                                + " approves it there.")
                        .orElse("A rollback of this action is already proposed, or there is nothing to roll back."));
                case DRY_RUN -> dryRun(click);
                default -> throw new IllegalStateException("unknown click " + click.kind());
            }
        } catch (StoreException e) {
            String ref = ErrorRef.logged(LOG, click.kind() + " click failed", e);
            answer(click, ":x: The bot cannot reach its database right now; nothing was done (ref " + ref + ").");
        } catch (RuntimeException e) {
            String ref = ErrorRef.logged(LOG, click.kind() + " click failed", e);
            answer(click, ":x: Something went wrong in the bot; nothing was done (ref " + ref + ").");
        } finally {
            outbox.kick();
        }
    }

    private void dryRun(Click click) throws StoreException {
        Optional<DryRun> d = approvals.dryRun(click.token());
        if (d.isEmpty()) {
            answer(click, ":grey_question: This action does not exist (any more).");
            return;
        }
        try {
            poster.ephemeral(click.channel(), click.user(), click.threadTs(), presenter.dryRun(d.get()));
        } catch (SlackDeliveryException e) {
            LOG.warn("cannot show a dry run to {} in {}: {}", click.user(), click.channel(), e.getMessage());
        }
    }

    static String describe(ApprovalDecision d) {
        if (d instanceof ApprovalDecision.Refused r) {
            return ":no_entry: " + Mrkdwn.escape(r.reason());
        } else if (d instanceof ApprovalDecision.AlreadyDecided a) {
            ActionRecord x = a.action();
            // Still PROPOSED yet closed: past its expiry, before the expiry job got to it.
            String state = x.state() == ActionState.PROPOSED ? "expired"
                    : x.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            return "Already decided: " + state + (x.decidedBy() == null ? "" : " (" + SlackIds.mention(x.decidedBy())
                    + ")") + ".";
        } else if (d instanceof ApprovalDecision.Waiting w) {
            int more = w.action().approvalsRequired() - w.approvers().size();
            return ":ballot_box_with_check: Your approval is recorded; " + more + " more approver"
                    + (more == 1 ? "" : "s") + " needed before it runs.";
        } else if (d instanceof ApprovalDecision.Executed e) {
            return e.execution().succeeded() ? ":white_check_mark: Approved and ran: exit 0. Details in the thread."
                    : ":x: Approved, but it did not succeed: details in the thread.";
        } else if (d instanceof ApprovalDecision.Rejected) {
            return ":no_entry_sign: Rejected.";
        }
        return ":grey_question: This action does not exist (any more).";
    }

    private void answer(Click click, String text) {
        try {
            poster.ephemeral(click.channel(), click.user(), text);
        } catch (SlackDeliveryException e) {
            LOG.warn("cannot answer {} in {}: {}", click.user(), click.channel(), e.getMessage());
        }
    }

    /** Lets running clicks (an execution on a host) finish and record their outcome, within {@code seconds}. */
    void shutdown(long seconds) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(seconds, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
