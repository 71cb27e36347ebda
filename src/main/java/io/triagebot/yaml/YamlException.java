package io.triagebot.yaml;

/** A YAML file that is not what we expect; the message starts with {@code file:line:}. */
public class YamlException extends Exception {

    private final String source;
    private final int line;

    public YamlException(String source, int line, String message) {
        super(source + ":" + line + ": " + message);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    /** One-based line number, or 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }
}
