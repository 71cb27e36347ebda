package io.triagebot.runbook;

/** How the rendered scripts get the rights a runbook with {@code sudo: true} needs. */
public enum Privilege {
    /** The scripts run as the login user, who is root (or needs no privilege). */
    AS_IS,
    /** Programs of runbooks with {@code sudo: true} run as {@code sudo -n -- PROGRAM ...}: never prompts. */
    SUDO
}
