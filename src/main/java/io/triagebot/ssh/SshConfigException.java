package io.triagebot.ssh;

import java.nio.file.Path;

/**
 * The SSH client configuration is unusable. The message is one line and, when the problem sits in a
 * file, starts with {@code file:line:} so a person can jump straight to it.
 */
public class SshConfigException extends Exception {

    private final transient Path file;
    private final int line;

    public SshConfigException(String message) {
        this(message, null, 0, null);
    }

    public SshConfigException(String message, Path file, int line) {
        this(message, file, line, null);
    }

    public SshConfigException(String message, Path file, int line, Throwable cause) {
        super(locate(file, line) + message, cause);
        this.file = file;
        this.line = line;
    }

    /** The file at fault, or null when the problem is not tied to a file. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, or 0 when not tied to a line. */
    public int line() {
        return line;
    }

    private static String locate(Path file, int line) {
        if (file == null) {
            return "";
        }
        return line > 0 ? file + ":" + line + ": " : file + ": ";
    }
}
