package io.triagebot.ssh;

import java.util.Locale;

/** What to do with a host key that is not (or no longer) in known_hosts. */
public enum StrictHostKeyChecking {
    /** Refuse unknown and changed keys. OpenSSH's {@code ask} also lands here: a bot cannot ask. */
    YES,
    /** Record unknown keys in the first known_hosts file and go on; still refuse changed keys. */
    ACCEPT_NEW,
    /** Accept any key without recording it. Only for throwaway test hosts. */
    NO;

    /** Parses an ssh_config value; returns null when it is not one OpenSSH accepts. */
    static StrictHostKeyChecking parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "ask" -> YES;
            case "accept-new" -> ACCEPT_NEW;
            case "no", "false", "off" -> NO;
            default -> null;
        };
    }
}
