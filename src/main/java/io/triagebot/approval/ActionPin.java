package io.triagebot.approval;

import io.triagebot.runbook.RenderedAction;
import io.triagebot.runbook.RenderedScript;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content hash of what an action's card showed: every rendered script, exactly as it would run. Taken
 * at proposal and compared before execution, so an approval runs what was approved and nothing a catalog
 * changed since would render instead.
 */
final class ActionPin {

    private ActionPin() {
    }

    /** The pin of an action: precondition, capture, command and the rollback template, in that order. */
    static String of(RenderedAction rendered, String rollbackTemplate) {
        StringBuilder s = new StringBuilder(rendered.runbookId()).append('\0');
        s.append(rendered.precondition().script()).append('\0');
        rendered.capture().ifPresent(c -> s.append(c.script()));
        s.append('\0').append(rendered.command().script()).append('\0').append(rollbackTemplate);
        return sha256(s.toString());
    }

    /** The pin of a rollback: the rollback with its previous value filled in, and the read-back. */
    static String ofRollback(RenderedAction rendered, RenderedScript rollback) {
        StringBuilder s = new StringBuilder(rendered.runbookId()).append("\0rollback\0").append(rollback.script());
        rendered.capture().ifPresent(c -> s.append('\0').append(c.script()));
        return sha256(s.toString());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
