package io.triagebot.slack;

import io.triagebot.probe.TargetException;

/** What an on-call engineer should check when a host could not be triaged. */
final class TargetAdvice {

    private TargetAdvice() {
    }

    static String label(TargetException.Kind kind) {
        return switch (kind) {
            case UNKNOWN_HOST -> "UNKNOWN HOST";
            case CONNECTION_REFUSED -> "REFUSED";
            case CONNECT_TIMEOUT -> "UNREACHABLE";
            case AUTH_FAILED -> "AUTH FAILED";
            case HOST_KEY_UNKNOWN -> "UNKNOWN HOST KEY";
            case HOST_KEY_CHANGED -> "HOST KEY CHANGED";
            case CONFIG -> "CONFIG ERROR";
            case TRANSPORT -> "SSH ERROR";
        };
    }

    static String whatToCheck(TargetException.Kind kind) {
        return switch (kind) {
            case UNKNOWN_HOST -> "Check the spelling. The bot resolves names through its SSH config (a `Host` entry)"
                    + " and DNS; add an entry for this host if it has no DNS name.";
            case CONNECTION_REFUSED -> "Nothing listens on the SSH port: is sshd running on the host, and is the port"
                    + " in the bot's SSH config right? A refused connection also means the host itself is up.";
            case CONNECT_TIMEOUT -> "No answer within the connect timeout: the host may be down, hung, or cut off"
                    + " (network partition, firewall dropping packets). Check its console or out-of-band management.";
            case AUTH_FAILED -> "The host rejected the bot's key: is the bot's public key in the target user's"
                    + " authorized_keys, and is that user allowed to log in?";
            case HOST_KEY_UNKNOWN -> "The bot has never seen this host's key and checks keys strictly. Verify the"
                    + " fingerprint out of band, then add it to the bot's known_hosts.";
            case HOST_KEY_CHANGED -> "The host presented a DIFFERENT key than the one on record: this can be a"
                    + " reinstall, or someone intercepting the connection. Do not just replace the key: verify the new"
                    + " fingerprint out of band first.";
            case CONFIG -> "The bot's SSH configuration for this host is unusable (key file, known_hosts, config"
                    + " syntax): see the message above and fix the bot's configuration.";
            case TRANSPORT -> "The SSH session did not complete: retry; if it keeps failing, the host may be down,"
                    + " overloaded or cut off. The bot's operators find the exact reason in its log.";
        };
    }
}
