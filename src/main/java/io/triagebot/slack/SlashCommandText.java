package io.triagebot.slack;

import io.triagebot.incident.IncidentId;
import io.triagebot.probe.HostName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** The text after {@code /triage}, parsed. Nothing in it is ever executed. */
sealed interface SlashCommandText {

    /** Usage requested, or nothing given. */
    record Help() implements SlashCommandText {
    }

    /** Hosts to triage, validated, duplicates removed, in the order given. */
    record Hosts(List<HostName> hosts) implements SlashCommandText {
    }

    /** {@code note INC-42 TEXT}. */
    record Note(IncidentId incident, String text) implements SlashCommandText {
    }

    /** {@code resolve INC-42 [TEXT]}. */
    record Resolve(IncidentId incident, String text) implements SlashCommandText {
    }

    /** {@code timeline INC-42}. */
    record Timeline(IncidentId incident) implements SlashCommandText {
    }

    /** Not understood; the message says why and is shown to the requester only. */
    record Invalid(String message) implements SlashCommandText {
    }

    /** Longest note or resolution kept; Slack's own limit on a slash command is 4,000 characters. */
    int MAX_TEXT = 3000;

    static SlashCommandText parse(String text, int maxHosts) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("help")) {
            return new Help();
        }
        if (t.length() > 4000) {
            return new Invalid("that is far too long");
        }
        String[] words = t.split("\\s+", 3);
        switch (words[0].toLowerCase()) {
            case "note" -> {
                Optional<IncidentId> id = words.length > 1 ? IncidentId.parse(words[1]) : Optional.empty();
                if (id.isEmpty() || words.length < 3) {
                    return new Invalid("usage: /triage note INC-42 TEXT");
                }
                return new Note(id.get(), clip(words[2]));
            }
            case "resolve" -> {
                Optional<IncidentId> id = words.length > 1 ? IncidentId.parse(words[1]) : Optional.empty();
                if (id.isEmpty()) {
                    return new Invalid("usage: /triage resolve INC-42 [TEXT]");
                }
                return new Resolve(id.get(), words.length > 2 ? clip(words[2]) : null);
            }
            case "timeline" -> {
                Optional<IncidentId> id = words.length == 2 ? IncidentId.parse(words[1]) : Optional.empty();
                if (id.isEmpty()) {
                    return new Invalid("usage: /triage timeline INC-42");
                }
                return new Timeline(id.get());
            }
            default -> {
                return hosts(t, maxHosts);
            }
        }
    }

    private static SlashCommandText hosts(String t, int maxHosts) {
        LinkedHashSet<String> names = new LinkedHashSet<>(List.of(t.split("\\s+")));
        if (names.size() > maxHosts) {
            return new Invalid("at most " + maxHosts + " hosts per command (got " + names.size() + ")");
        }
        List<HostName> hosts = new ArrayList<>();
        for (String w : names) {
            String problem = HostName.problemWith(w);
            if (problem != null) {
                return new Invalid(problem);
            }
            hosts.add(new HostName(w));
        }
        return new Hosts(hosts);
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }

    static String usage(int maxHosts) {
        return "*Usage:*\n"
                + "• `/triage HOST [HOST...]` (up to " + maxHosts + " hosts): read-only probes over SSH, then a"
                + " severity-first summary in a new incident thread: severity, immediate actions, vitals, findings by"
                + " impact (CONFIRMED or HYPOTHESIS, with evidence), kernel log escalations, what could not be measured.\n"
                + "• `/triage note INC-42 TEXT`: add a note to the incident's timeline.\n"
                + "• `/triage resolve INC-42 [TEXT]`: resolve it, with what fixed it (recalled next time).\n"
                + "• `/triage timeline INC-42`: upload the timeline as a postmortem draft into its thread.\n"
                + "`HOST` is a name or alias from the bot's SSH config, e.g. `/triage db-3`.";
    }
}
