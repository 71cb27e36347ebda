package io.triagebot.runbook;

/**
 * A runbook was asked to run with values that are not allowed: an unknown or missing parameter, a value
 * that breaks its type's rule, or a captured previous value that cannot be restored safely. The message
 * names the runbook, the parameter and the rule, and is fit to show to the person who asked.
 */
public class InvalidParametersException extends Exception {

    public InvalidParametersException(String message) {
        super(message);
    }
}
