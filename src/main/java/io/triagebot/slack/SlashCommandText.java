package io.triagebot.slack;

import io.triagebot.probe.HostName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** The text after {@code /triage}, parsed. Nothing in it is ever executed. */
sealed interface SlashCommandText {

    /** Usage requested, or nothing given. */
    record Help() implements SlashCommandText {
    }

    /** Hosts to triage, validated, duplicates removed, in the order given. */
    record Hosts(List<HostName> hosts) implements SlashCommandText {
    }

    /** Not understood; the message says why and is shown to the requester only. */
    record Invalid(String message) implements SlashCommandText {
    }

    static SlashCommandText parse(String text, int maxHosts) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("help")) {
            return new Help();
        }
        if (t.length() > 4000) {
            return new Invalid("that is far too long for a list of hosts");
        }
        LinkedHashSet<String> words = new LinkedHashSet<>(List.of(t.split("\\s+")));
        if (words.size() > maxHosts) {
            return new Invalid("at most " + maxHosts + " hosts per command (got " + words.size() + ")");
        }
        List<HostName> hosts = new ArrayList<>();
        for (String w : words) {
            String problem = HostName.problemWith(w);
            if (problem != null) {
                return new Invalid(problem);
            }
            hosts.add(new HostName(w));
        }
        return new Hosts(hosts);
    }

    static String usage(int maxHosts) {
        return "*Usage:* `/triage HOST [HOST...]` (up to " + maxHosts + " hosts)\n"
                + "Runs read-only probes on each host over SSH and posts a severity-first summary in a thread:"
                + " severity, immediate actions, vitals, findings by impact (CONFIRMED or HYPOTHESIS, with"
                + " evidence), kernel log escalations, and what could not be measured.\n"
                + "`HOST` is a name or alias from the bot's SSH config, e.g. `/triage db-3` or `/triage web-1 web-2`.";
    }
}
