package io.triagebot.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One hop of a {@code ProxyJump} chain, as written: {@code [user@]host[:port]} or
 * {@code ssh://[user@]host[:port]}. The host is looked up in the same config file, the way
 * {@code ssh -J} does; a user or port given here wins over that host's config.
 *
 * @param user the user written in the spec, or null to take it from the config
 * @param host the host or alias (IPv6 literals without brackets)
 * @param port the port written in the spec, or 0 to take it from the config
 */
public record JumpHost(String user, String host, int port) {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%]*");
    private static final Pattern USER = Pattern.compile("[^\\s@:/]+");

    public JumpHost {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("jump host is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad jump port " + port);
        }
    }

    /**
     * Parses a ProxyJump value. {@code none} gives an empty list.
     *
     * @throws IllegalArgumentException with a message fit to follow "ProxyJump: "
     */
    static List<JumpHost> parseList(String value) {
        if (value.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<JumpHost> hops = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            hops.add(parseOne(part));
        }
        return List.copyOf(hops);
    }

    static JumpHost parseOne(String raw) {
        String spec = raw;
        if (spec.isEmpty()) {
            throw new IllegalArgumentException("empty hop in list (stray comma?)");
        }
        if (spec.toLowerCase(Locale.ROOT).startsWith("ssh://")) {
            spec = spec.substring("ssh://".length());
            if (spec.endsWith("/")) {
                spec = spec.substring(0, spec.length() - 1);
            }
        }
        String user = null;
        int at = spec.lastIndexOf('@');
        if (at >= 0) {
            user = spec.substring(0, at);
            spec = spec.substring(at + 1);
            if (!USER.matcher(user).matches()) {
                throw new IllegalArgumentException("bad user in '" + raw + "'");
            }
        }
        String host;
        int port = 0;
        Matcher bracketed = Pattern.compile("\\[([^\\]]+)](?::(.*))?").matcher(spec);
        if (bracketed.matches()) {
            host = bracketed.group(1);
            port = bracketed.group(2) == null ? 0 : parsePort(bracketed.group(2), raw);
        } else {
            int colon = spec.indexOf(':');
            if (colon >= 0 && spec.indexOf(':', colon + 1) < 0) {
                host = spec.substring(0, colon);
                port = parsePort(spec.substring(colon + 1), raw);
            } else {
                host = spec; // no colon, or a bare IPv6 literal
            }
        }
        if (host.isEmpty() || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("bad host in '" + raw + "' (want [user@]host[:port])");
        }
        return new JumpHost(user, host, port);
    }

    private static int parsePort(String text, String raw) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad port in '" + raw + "' (want 1-65535)");
    }

    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (user == null ? "" : user + "@") + h + (port == 0 ? "" : ":" + port);
    }
}
