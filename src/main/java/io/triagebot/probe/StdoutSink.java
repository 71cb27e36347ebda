package io.triagebot.probe;

/**
 * Where a {@link ScriptRunner} hands a script's standard output as it arrives, in order, from one thread
 * at a time. It must neither block for long nor throw: it runs on the transport's reading thread.
 */
@FunctionalInterface
public interface StdoutSink {

    void write(byte[] bytes, int offset, int length);

    /**
     * The stream has said it is whole (the script's end marker): the runner need not wait for the output to
     * close, which a process left stuck on the host may keep open for ever.
     */
    default boolean complete() {
        return false;
    }
}
