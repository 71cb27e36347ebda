package io.triagebot.deep;

/** The deep probe catalog is unusable; the message names the file and line. */
public class DeepCatalogException extends Exception {

    public DeepCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
