package io.triagebot.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One meaningful line of an ssh_config file split into keyword and arguments, following OpenSSH's
 * rules: the keyword ends at whitespace or a single {@code =}; arguments are separated by whitespace,
 * may be double- or single-quoted, and an unquoted argument starting with {@code #} ends the line.
 */
record ConfigLine(Path file, int number, String keyword, List<String> args) {

    ConfigLine {
        args = List.copyOf(args);
    }

    /** Splits {@code text}; returns null for blank and comment lines. */
    static ConfigLine parse(Path file, int number, String text) throws SshConfigException {
        int i = 0;
        int n = text.length();
        while (i < n && isSpace(text.charAt(i))) {
            i++;
        }
        if (i == n || text.charAt(i) == '#') {
            return null;
        }
        int start = i;
        while (i < n && !isSpace(text.charAt(i)) && text.charAt(i) != '=') {
            i++;
        }
        String keyword = text.substring(start, i).toLowerCase(Locale.ROOT);
        while (i < n && isSpace(text.charAt(i))) {
            i++;
        }
        if (i < n && text.charAt(i) == '=') {
            i++;
        }
        if (keyword.isEmpty()) {
            throw new SshConfigException("line starts with '=' but has no keyword", file, number);
        }
        return new ConfigLine(file, number, keyword, splitArgs(file, number, text.substring(i)));
    }

    private static List<String> splitArgs(Path file, int number, String s) throws SshConfigException {
        List<String> args = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && isSpace(s.charAt(i))) {
                i++;
            }
            if (i == n || s.charAt(i) == '#') {
                return args;
            }
            StringBuilder arg = new StringBuilder();
            char quote = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (quote == 0 && isSpace(c)) {
                    break;
                }
                if (c == '\\' && i + 1 < n) {
                    char next = s.charAt(i + 1);
                    if (next == '"' || next == '\'' || next == '\\' || (quote == 0 && next == ' ')) {
                        arg.append(next);
                        i += 2;
                        continue;
                    }
                }
                if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (quote != 0 && c == quote) {
                    quote = 0;
                } else {
                    arg.append(c);
                }
                i++;
            }
            if (quote != 0) {
                throw new SshConfigException("unterminated quote", file, number);
            }
            args.add(arg.toString());
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
    }

    SshConfigException error(String message) {
        return new SshConfigException(message, file, number);
    }

    /** The single argument of a one-value keyword. */
    String single(String name) throws SshConfigException {
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw error(name + " is missing its value");
        }
        if (args.size() > 1) {
            throw error(name + " takes one value, got " + args.size() + ": " + String.join(" ", args));
        }
        return args.get(0);
    }
}
