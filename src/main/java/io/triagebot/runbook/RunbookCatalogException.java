package io.triagebot.runbook;

/** The runbook catalog is unusable; the message starts with the file and line ({@code runbooks/io.yaml:12:}). */
public class RunbookCatalogException extends Exception {

    public RunbookCatalogException(String message) {
        super(message);
    }

    public RunbookCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
