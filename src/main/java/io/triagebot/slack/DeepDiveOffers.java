package io.triagebot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import io.triagebot.analysis.detectors.ContextSwitchExplosionDetector;
import io.triagebot.analysis.detectors.CpuSaturationDetector;
import io.triagebot.analysis.detectors.IoStallDetector;
import io.triagebot.analysis.detectors.TcpCollapseDetector;
import io.triagebot.deep.DeepCatalog;
import io.triagebot.deep.DeepProbe;
import io.triagebot.incident.IncidentId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which deep probe a finding offers, and its button. A button's value is an opaque reference made of the
 * incident, the finding's place in the report and the kind ({@code INC-42:1:cpu}); nothing from the host
 * is in it, and a click is checked against the stored report before anything runs.
 */
final class DeepDiveOffers {

    /** Every deep-dive button's action id starts so; Bolt routes them with {@link #ACTION_IDS}. */
    static final String ACTION_PREFIX = "deep_dive_";
    static final Pattern ACTION_IDS = Pattern.compile(ACTION_PREFIX + "[a-z]{1,20}");

    /** The run the buttons offer, unless the catalog's maximum is shorter. */
    static final int SECONDS = 10;

    /** The finding patterns each kind explains, in the order the buttons appear. */
    private static final Map<String, List<String>> KINDS_BY_PATTERN = Map.of(
            CpuSaturationDetector.PATTERN, List.of("cpu", "runqlat"),
            ContextSwitchExplosionDetector.PATTERN, List.of("runqlat"),
            IoStallDetector.PATTERN, List.of("biolat"),
            TcpCollapseDetector.PATTERN, List.of("tcpretrans"));

    private static final Map<String, String> LABELS = Map.of(
            "cpu", "Profile CPU",
            "runqlat", "Run-queue latency",
            "biolat", "Block I/O latency",
            "tcpretrans", "Retransmits by flow");

    private static final Pattern VALUE = Pattern.compile("(INC-\\d{1,15}):(\\d{1,3}):([a-z]{1,20})");

    /** What a button refers to: the incident, the finding (1-based, as shown) and the kind. */
    record Reference(IncidentId incident, int finding, String kind) {

        String value() {
            return incident + ":" + finding + ":" + kind;
        }
    }

    private final DeepCatalog catalog;

    DeepDiveOffers(DeepCatalog catalog) {
        this.catalog = catalog;
    }

    DeepCatalog catalog() {
        return catalog;
    }

    /** The kinds a finding of {@code pattern} offers that the catalog has. */
    List<DeepProbe> offered(String pattern) {
        List<DeepProbe> out = new ArrayList<>();
        for (String kind : KINDS_BY_PATTERN.getOrDefault(pattern, List.of())) {
            catalog.find(kind).ifPresent(out::add);
        }
        return out;
    }

    /** Whether a finding of {@code pattern} offers {@code kind}. */
    boolean offers(String pattern, String kind) {
        return offered(pattern).stream().anyMatch(p -> p.id().equals(kind));
    }

    /** The seconds a button runs {@code probe} for. */
    static int seconds(DeepProbe probe) {
        return Math.min(SECONDS, probe.maxSeconds());
    }

    static String label(DeepProbe probe) {
        return LABELS.getOrDefault(probe.id(), probe.title()) + " " + seconds(probe) + " s";
    }

    /** The buttons under finding {@code index} (1-based) of {@code incident}'s report, or none. */
    Optional<LayoutBlock> buttons(IncidentId incident, int index, String pattern, String host) {
        List<BlockElement> buttons = new ArrayList<>();
        for (DeepProbe p : offered(pattern)) {
            Reference ref = new Reference(incident, index, p.id());
            // The overhead first: the dialog holds 300 characters and it is what the person weighs.
            String where = host.length() > 40 ? host.substring(0, 40) + "…" : host;
            String text = p.title() + " of " + where + " for " + seconds(p) + " s. Overhead on the host: "
                    + p.overhead();
            buttons.add(button(b -> b.actionId(ACTION_PREFIX + p.id()).text(plainText(label(p))).value(ref.value())
                    .confirm(confirmationDialog(c -> c.title(plainText(Mrkdwn.clip(label(p) + "?",
                                    SlackLimits.CONFIRM_TITLE)))
                            .text(plainText(Mrkdwn.clip(Mrkdwn.escape(text), SlackLimits.CONFIRM_TEXT)))
                            .confirm(plainText("Run it"))
                            .deny(plainText("Cancel"))))));
        }
        return buttons.isEmpty() ? Optional.empty() : Optional.of(actions(a -> a.elements(buttons)));
    }

    /** The reference a button's value names, if it is one; anything else is empty. */
    static Optional<Reference> parse(String value, String actionId) {
        if (value == null || actionId == null || value.length() > 64) {
            return Optional.empty();
        }
        Matcher m = VALUE.matcher(value);
        if (!m.matches() || !actionId.equals(ACTION_PREFIX + m.group(3))) {
            return Optional.empty();
        }
        Optional<IncidentId> id = IncidentId.parse(m.group(1));
        int finding = Integer.parseInt(m.group(2));
        return id.isEmpty() || finding < 1 ? Optional.empty() : Optional.of(new Reference(id.get(), finding, m.group(3)));
    }
}
