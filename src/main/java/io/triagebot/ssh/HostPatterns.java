package io.triagebot.ssh;

import java.util.List;
import java.util.Locale;

/**
 * The pattern list of one {@code Host} line, matched the way OpenSSH does: {@code *} and {@code ?}
 * wildcards, {@code !} negation, case-insensitive. A name matches when at least one positive pattern
 * matches and no negated one does, so {@code Host !db-1} alone matches nothing.
 */
public record HostPatterns(List<String> patterns) {

    public HostPatterns {
        patterns = List.copyOf(patterns);
    }

    public boolean matches(String name) {
        String host = name.toLowerCase(Locale.ROOT);
        boolean matched = false;
        for (String raw : patterns) {
            boolean negated = raw.startsWith("!");
            String pattern = (negated ? raw.substring(1) : raw).toLowerCase(Locale.ROOT);
            if (wildcardMatch(host, 0, pattern, 0)) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    /**
     * True when the block only catches everything ({@code Host *}): settings from such a block are
     * defaults, not evidence that the config knows a particular host.
     */
    public boolean isCatchAll() {
        return patterns.stream().filter(p -> !p.startsWith("!")).allMatch("*"::equals);
    }

    static boolean wildcardMatch(String s, int si, String p, int pi) {
        // Iterative glob match with single-star backtracking: linear enough for host names and immune
        // to the exponential blow-up of naive recursion on patterns like "*a*a*a*b".
        int starP = -1;
        int starS = -1;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                si++;
                pi++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                starP = pi++;
                starS = si;
            } else if (starP >= 0) {
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    @Override
    public String toString() {
        return String.join(" ", patterns);
    }
}
