package io.triagebot.probe;

/**
 * Where a {@link ScriptRunner} hands a script's standard output as it arrives, in order, from one thread
 * at a time. It must neither block for long nor throw: it runs on the transport's reading thread.
 */
@FunctionalInterface
public interface StdoutSink {

    void write(byte[] bytes, int offset, int length);
}
