package io.triagebot.store;

/** The database failed: unreachable, migration failed, or a query broke. */
public class StoreException extends Exception {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
