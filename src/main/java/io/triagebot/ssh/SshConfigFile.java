package io.triagebot.ssh;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenSSH client config file ({@code ssh_config(5)}), the subset triagebot honours.
 *
 * <p>Our own parser rather than JSch's so that every mistake is reported as {@code file:line: what}
 * and so that the semantics are exactly OpenSSH's where it matters: for each keyword the first value
 * obtained wins, {@code IdentityFile} accumulates, {@code Host} patterns use {@code *}, {@code ?} and
 * {@code !}, and {@code Include} is read in place (relative to {@code ~/.ssh}, globs allowed, at most
 * {@value #MAX_INCLUDE_DEPTH} levels deep).
 *
 * <p>Honoured: HostName, Port, User, IdentityFile, UserKnownHostsFile, StrictHostKeyChecking,
 * ConnectTimeout, ProxyJump, IdentitiesOnly, IdentityAgent, Include. Every other keyword is ignored
 * (OpenSSH has hundreds); {@code Match} blocks are skipped with a warning. Syntax of honoured keywords
 * is checked on every line, matching or not, like OpenSSH does.
 *
 * <p>Immutable after loading; {@link #resolve} may be called from several threads.
 */
public final class SshConfigFile {

    public static final int MAX_INCLUDE_DEPTH = 16;

    private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
    private static final List<String> DEFAULT_IDENTITY_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");
    private static final Pattern TIME_PART = Pattern.compile("(\\d+)([sSmMhHdDwW]?)");

    private final Path path;
    private final Path home;
    private final String localUser;
    private final List<Entry> entries;
    private final List<String> warnings;

    private SshConfigFile(Path path, Path home, String localUser, List<Entry> entries, List<String> warnings) {
        this.path = path;
        this.home = home;
        this.localUser = localUser;
        this.entries = List.copyOf(entries);
        this.warnings = List.copyOf(warnings);
    }

    /** {@code ~/.ssh/config} of the user running triagebot. */
    public static Path defaultPath() {
        return userHome().resolve(".ssh").resolve("config");
    }

    /** Loads {@code ~/.ssh/config}; a missing file is an empty config, as for ssh itself. */
    public static SshConfigFile loadDefault() throws SshConfigException {
        return load(defaultPath(), false, userHome(), userName());
    }

    /** Loads a file named explicitly (e.g. {@code --ssh-config}); a missing file is an error. */
    public static SshConfigFile load(Path file) throws SshConfigException {
        return load(file, true, userHome(), userName());
    }

    /**
     * Loads {@code file} for a given local user and home directory (tests use a scratch home so that
     * the real {@code ~/.ssh} never leaks in).
     *
     * @param mustExist whether a missing file is an error (explicit path) or an empty config (default)
     */
    public static SshConfigFile load(Path file, boolean mustExist, Path home, String localUser)
            throws SshConfigException {
        Objects.requireNonNull(file, "file");
        Path absoluteHome = home.toAbsolutePath().normalize();
        Path absolute = file.toAbsolutePath().normalize();
        if (!mustExist && !Files.exists(absolute)) {
            return new SshConfigFile(absolute, absoluteHome, localUser, List.of(), List.of());
        }
        Loader loader = new Loader(absoluteHome);
        List<Entry> entries = loader.read(absolute, 0);
        return new SshConfigFile(absolute, absoluteHome, localUser, entries, loader.warnings);
    }

    /** A config with no file at all: every host gets the defaults. */
    public static SshConfigFile empty(Path home, String localUser) {
        return new SshConfigFile(null, home.toAbsolutePath().normalize(), localUser, List.of(), List.of());
    }

    /** The file this config came from (it may not exist when it was the default path). */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** Lines that were understood but not honoured (Match blocks, ProxyCommand), as {@code file:line: ...}. */
    public List<String> warnings() {
        return warnings;
    }

    public Path home() {
        return home;
    }

    public String localUser() {
        return localUser;
    }

    /**
     * Applies the config to {@code alias} (the host name as typed) and fills in defaults.
     *
     * @throws SshConfigException when a value that applies to this host cannot be expanded, e.g. an
     *     unknown {@code %} token
     */
    public SshHostConfig resolve(String alias) throws SshConfigException {
        Objects.requireNonNull(alias, "alias");
        Collected c = new Collected();
        apply(entries, alias, true, false, c);

        String hostName = alias;
        Setting hostNameSetting = c.first.get("hostname");
        if (hostNameSetting != null) {
            hostName = expandTokens((String) hostNameSetting.value(), Map.of('h', alias), hostNameSetting.line(),
                    "HostName");
            if (hostName.isEmpty() || hostName.chars().anyMatch(ch -> ch <= ' ' || ch == 0x7f)) {
                throw hostNameSetting.line().error("HostName '" + hostName + "' is empty or contains spaces");
            }
        }
        int port = c.value("port", Integer.class, SshHostConfig.DEFAULT_PORT);
        String user = c.value("user", String.class, localUser);

        Map<Character, String> tokens = new HashMap<>();
        tokens.put('d', home.toString());
        tokens.put('u', localUser);
        tokens.put('h', hostName);
        tokens.put('r', user);
        tokens.put('p', Integer.toString(port));
        tokens.put('n', alias);

        List<Path> identityFiles = new ArrayList<>();
        if (c.identityFiles.isEmpty()) {
            for (String name : DEFAULT_IDENTITY_NAMES) {
                Path candidate = home.resolve(".ssh").resolve(name);
                if (Files.isRegularFile(candidate)) {
                    identityFiles.add(candidate);
                }
            }
        } else {
            for (Setting s : c.identityFiles) {
                String raw = (String) s.value();
                if (!raw.equalsIgnoreCase("none")) {
                    identityFiles.add(expandPath(raw, tokens, s.line(), "IdentityFile"));
                }
            }
        }

        List<Path> knownHosts = new ArrayList<>();
        Setting knownHostsSetting = c.first.get("userknownhostsfile");
        if (knownHostsSetting == null) {
            knownHosts.add(home.resolve(".ssh").resolve("known_hosts"));
        } else {
            @SuppressWarnings("unchecked")
            List<String> raws = (List<String>) knownHostsSetting.value();
            for (String raw : raws) {
                if (!raw.equalsIgnoreCase("none")) {
                    knownHosts.add(expandPath(raw, tokens, knownHostsSetting.line(), "UserKnownHostsFile"));
                }
            }
        }

        String agent = SshHostConfig.AGENT_FROM_ENV;
        Setting agentSetting = c.first.get("identityagent");
        if (agentSetting != null) {
            String raw = (String) agentSetting.value();
            if (raw.equalsIgnoreCase(SshHostConfig.AGENT_NONE)) {
                agent = SshHostConfig.AGENT_NONE;
            } else if (raw.equals(SshHostConfig.AGENT_FROM_ENV) || raw.startsWith("$")) {
                agent = raw;
            } else {
                agent = expandPath(raw, tokens, agentSetting.line(), "IdentityAgent").toString();
            }
        }

        @SuppressWarnings("unchecked")
        List<JumpHost> jumps = c.value("proxyjump", List.class, List.of());
        return new SshHostConfig(alias, hostName, port, user, identityFiles, knownHosts,
                c.value("stricthostkeychecking", StrictHostKeyChecking.class, StrictHostKeyChecking.YES),
                c.value("connecttimeout", Duration.class, SshHostConfig.DEFAULT_CONNECT_TIMEOUT),
                jumps,
                c.value("identitiesonly", Boolean.class, false),
                agent,
                c.specific);
    }

    /**
     * True when a {@code Host} block of its own names {@code alias}: not only {@code Host *}, whose
     * settings are everyone's defaults. Includes are followed where they apply, as {@link #resolve} does.
     */
    public boolean namesHost(String alias) {
        return names(entries, alias, true);
    }

    private static boolean names(List<Entry> entries, String alias, boolean active) {
        for (Entry entry : entries) {
            if (entry instanceof HostEntry host) {
                active = host.patterns().matches(alias);
                if (active && !host.patterns().isCatchAll()) {
                    return true;
                }
            } else if (entry instanceof MatchEntry) {
                active = false;
            } else if (entry instanceof IncludeEntry include && active) {
                for (List<Entry> included : include.files()) {
                    if (names(included, alias, true)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void apply(List<Entry> entries, String alias, boolean active, boolean specific, Collected c) {
        // "active" and "specific" are local on purpose: a Host line inside an included file only
        // governs the rest of that file, exactly like OpenSSH.
        for (Entry entry : entries) {
            if (entry instanceof HostEntry host) {
                active = host.patterns().matches(alias);
                specific = !host.patterns().isCatchAll();
            } else if (entry instanceof MatchEntry) {
                active = false;
            } else if (entry instanceof Setting setting) {
                if (active && c.offer(setting)) {
                    c.specific |= specific;
                }
            } else if (entry instanceof IncludeEntry include && active) {
                for (List<Entry> included : include.files()) {
                    apply(included, alias, true, specific, c);
                }
            }
        }
    }

    private Path expandPath(String raw, Map<Character, String> tokens, ConfigLine line, String keyword)
            throws SshConfigException {
        String text = raw;
        if (text.equals("~") || text.startsWith("~/")) {
            text = home + text.substring(1);
        } else if (text.startsWith("~")) {
            throw line.error(keyword + " '" + raw + "': ~user paths are not supported; write the full path");
        }
        text = expandTokens(text, tokens, line, keyword);
        return Path.of(text).toAbsolutePath().normalize();
    }

    private static String expandTokens(String raw, Map<Character, String> tokens, ConfigLine line, String keyword)
            throws SshConfigException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch != '%') {
                out.append(ch);
                continue;
            }
            if (i + 1 >= raw.length()) {
                throw line.error(keyword + " '" + raw + "' ends with a lone '%' (write %% for a percent sign)");
            }
            char token = raw.charAt(++i);
            if (token == '%') {
                out.append('%');
            } else if (tokens.containsKey(token)) {
                out.append(tokens.get(token));
            } else {
                throw line.error(keyword + " '" + raw + "': token %" + token + " is not supported here"
                        + " (supported: %" + String.join(" %", tokens.keySet().stream().sorted()
                                .map(String::valueOf).toList()) + " %%)");
            }
        }
        return out.toString();
    }

    private static Path userHome() {
        return Path.of(System.getProperty("user.home"));
    }

    private static String userName() {
        return System.getProperty("user.name");
    }

    // ---------------------------------------------------------------------------------------------
    // Parsed form: a tree, because an Include is read where it stands and inherits the Host context.

    private sealed interface Entry permits HostEntry, MatchEntry, Setting, IncludeEntry {
    }

    private record HostEntry(HostPatterns patterns) implements Entry {
    }

    private record MatchEntry() implements Entry {
    }

    /** A honoured keyword with its value already checked and converted. */
    private record Setting(ConfigLine line, Object value) implements Entry {
    }

    private record IncludeEntry(List<List<Entry>> files) implements Entry {
    }

    /** The first value obtained for each keyword, plus every IdentityFile, for one host. */
    private static final class Collected {
        final Map<String, Setting> first = new HashMap<>();
        final List<Setting> identityFiles = new ArrayList<>();
        boolean specific;

        boolean offer(Setting s) {
            if (s.line().keyword().equals("identityfile")) {
                identityFiles.add(s);
                return true;
            }
            return first.putIfAbsent(s.line().keyword(), s) == null;
        }

        <T> T value(String keyword, Class<T> type, T fallback) {
            Setting s = first.get(keyword);
            return s == null ? fallback : type.cast(s.value());
        }
    }

    /** Reads files into entries; collects warnings. One per load, not shared. */
    private static final class Loader {
        final Path home;
        final List<String> warnings = new ArrayList<>();

        Loader(Path home) {
            this.home = home;
        }

        List<Entry> read(Path file, int depth) throws SshConfigException {
            String text = readText(file);
            List<Entry> entries = new ArrayList<>();
            String[] lines = text.split("\r?\n|\r", -1);
            for (int i = 0; i < lines.length; i++) {
                ConfigLine line = ConfigLine.parse(file, i + 1, lines[i]);
                if (line != null) {
                    Entry entry = interpret(line, depth);
                    if (entry != null) {
                        entries.add(entry);
                    }
                }
            }
            return entries;
        }

        private String readText(Path file) throws SshConfigException {
            try {
                if (Files.isDirectory(file)) {
                    throw new SshConfigException("is a directory, not an ssh config file", file, 0);
                }
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new SshConfigException("larger than " + MAX_FILE_BYTES / 1024 / 1024
                            + " MiB; not an ssh config file?", file, 0);
                }
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)
                        .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                        .toString();
            } catch (NoSuchFileException e) {
                throw new SshConfigException("no such file", file, 0, e);
            } catch (IOException e) {
                throw new SshConfigException("cannot read: " + e, file, 0, e);
            }
        }

        private Entry interpret(ConfigLine line, int depth) throws SshConfigException {
            List<String> args = line.args();
            switch (line.keyword()) {
                case "host" -> {
                    if (args.isEmpty()) {
                        throw line.error("Host needs at least one pattern");
                    }
                    for (String pattern : args) {
                        if (pattern.isEmpty() || pattern.equals("!")) {
                            throw line.error("Host has an empty pattern");
                        }
                    }
                    return new HostEntry(new HostPatterns(args));
                }
                case "match" -> {
                    warnings.add(line.file() + ":" + line.number() + ": Match blocks are not supported;"
                            + " the lines up to the next Host line are ignored");
                    return new MatchEntry();
                }
                case "include" -> {
                    if (args.isEmpty()) {
                        throw line.error("Include is missing its file name");
                    }
                    if (depth + 1 > MAX_INCLUDE_DEPTH) {
                        throw line.error("Include nested more than " + MAX_INCLUDE_DEPTH
                                + " levels deep (does a file include itself?)");
                    }
                    List<List<Entry>> files = new ArrayList<>();
                    for (String arg : args) {
                        for (Path included : expandInclude(arg, line)) {
                            files.add(read(included, depth + 1));
                        }
                    }
                    return new IncludeEntry(files);
                }
                case "hostname", "user", "identityfile", "identityagent" -> {
                    String value = line.single(displayName(line.keyword()));
                    return new Setting(line, value);
                }
                case "port" -> {
                    return new Setting(line, parsePort(line));
                }
                case "userknownhostsfile" -> {
                    if (args.isEmpty() || args.stream().anyMatch(String::isEmpty)) {
                        throw line.error("UserKnownHostsFile is missing its value");
                    }
                    return new Setting(line, args);
                }
                case "stricthostkeychecking" -> {
                    String value = line.single("StrictHostKeyChecking");
                    StrictHostKeyChecking parsed = StrictHostKeyChecking.parse(value);
                    if (parsed == null) {
                        throw line.error("StrictHostKeyChecking '" + value + "' is not yes, no, accept-new or ask");
                    }
                    return new Setting(line, parsed);
                }
                case "connecttimeout" -> {
                    return new Setting(line, parseTimeout(line));
                }
                case "proxyjump" -> {
                    String value = line.single("ProxyJump");
                    try {
                        return new Setting(line, JumpHost.parseList(value));
                    } catch (IllegalArgumentException e) {
                        throw line.error("ProxyJump '" + value + "': " + e.getMessage());
                    }
                }
                case "identitiesonly" -> {
                    String value = line.single("IdentitiesOnly");
                    return switch (value.toLowerCase(Locale.ROOT)) {
                        case "yes", "true" -> new Setting(line, Boolean.TRUE);
                        case "no", "false" -> new Setting(line, Boolean.FALSE);
                        default -> throw line.error("IdentitiesOnly '" + value + "' is not yes or no");
                    };
                }
                case "proxycommand" -> {
                    warnings.add(line.file() + ":" + line.number()
                            + ": ProxyCommand is not supported (use ProxyJump); ignored");
                    return null;
                }
                default -> {
                    return null; // one of OpenSSH's many other keywords: not our business
                }
            }
        }

        private static int parsePort(ConfigLine line) throws SshConfigException {
            String value = line.single("Port");
            try {
                int port = Integer.parseInt(value);
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw line.error("Bad Port '" + value + "': must be a number from 1 to 65535");
        }

        private static Duration parseTimeout(ConfigLine line) throws SshConfigException {
            String value = line.single("ConnectTimeout");
            if (value.equalsIgnoreCase("none")) {
                return SshHostConfig.DEFAULT_CONNECT_TIMEOUT; // a bot never waits forever
            }
            Matcher m = TIME_PART.matcher(value);
            long seconds = 0;
            int at = 0;
            while (at < value.length() && m.find(at) && m.start() == at) {
                long amount;
                try {
                    amount = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    throw line.error("Bad ConnectTimeout '" + value + "': number too large");
                }
                long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "", "s" -> 1;
                    case "m" -> 60;
                    case "h" -> 3600;
                    case "d" -> 86400;
                    default -> 604800; // w
                };
                seconds += amount * unit;
                if (seconds > 86400) {
                    throw line.error("Bad ConnectTimeout '" + value + "': more than a day");
                }
                at = m.end();
            }
            if (at != value.length() || value.isEmpty()) {
                throw line.error("Bad ConnectTimeout '" + value + "': want seconds, e.g. 10 or 1m30s");
            }
            return seconds == 0 ? SshHostConfig.DEFAULT_CONNECT_TIMEOUT : Duration.ofSeconds(seconds);
        }

        /** Expands an Include argument: {@code ~}, relative to ~/.ssh, glob(3)-style wildcards, sorted. */
        private List<Path> expandInclude(String arg, ConfigLine line) throws SshConfigException {
            String text = arg;
            if (text.equals("~") || text.startsWith("~/")) {
                text = home + text.substring(1);
            } else if (text.startsWith("~")) {
                throw line.error("Include '" + arg + "': ~user paths are not supported");
            }
            Path pattern = Path.of(text);
            if (!pattern.isAbsolute()) {
                pattern = home.resolve(".ssh").resolve(pattern);
            }
            pattern = pattern.normalize();
            List<Path> current = new ArrayList<>(List.of(pattern.getRoot()));
            for (Path element : pattern) {
                String name = element.toString();
                List<Path> next = new ArrayList<>();
                for (Path dir : current) {
                    if (!hasGlob(name)) {
                        next.add(dir.resolve(name));
                        continue;
                    }
                    if (!Files.isDirectory(dir)) {
                        continue;
                    }
                    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
                    List<Path> matches = new ArrayList<>();
                    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                        for (Path child : children) {
                            Path childName = child.getFileName();
                            // Like glob(3): a wildcard never matches a leading dot.
                            if (childName.toString().startsWith(".") && !name.startsWith(".")) {
                                continue;
                            }
                            if (matcher.matches(childName)) {
                                matches.add(child);
                            }
                        }
                    } catch (IOException e) {
                        throw line.error("Include '" + arg + "': cannot list " + dir + ": " + e.getMessage());
                    }
                    matches.sort(null);
                    next.addAll(matches);
                }
                current = next;
            }
            // As in OpenSSH, an Include that matches nothing is silently skipped.
            return current.stream().filter(Files::isRegularFile).toList();
        }

        private static boolean hasGlob(String name) {
            return name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
        }

        private static String displayName(String keyword) {
            return switch (keyword) {
                case "hostname" -> "HostName";
                case "user" -> "User";
                case "identityfile" -> "IdentityFile";
                case "identityagent" -> "IdentityAgent";
                default -> keyword;
            };
        }
    }
}
