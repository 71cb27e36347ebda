package io.triagebot.probe;

/** The probe catalog is unusable; the message names the file and line. */
public class CatalogException extends Exception {

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
