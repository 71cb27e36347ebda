package io.triagebot.ssh;

import com.jcraft.jsch.Logger;

/**
 * JSch's per-instance logger. JSch logs freely at INFO and dumps stack traces at WARN; none of it
 * belongs on a terminal or in Slack output. Warnings and worse go to the platform logger at DEBUG,
 * which is silent unless someone turns it on to investigate.
 */
final class QuietJschLogger implements Logger {

    private static final System.Logger LOG = System.getLogger("io.triagebot.ssh.jsch");

    @Override
    public boolean isEnabled(int level) {
        return level >= WARN && LOG.isLoggable(System.Logger.Level.DEBUG);
    }

    @Override
    public void log(int level, String message) {
        if (isEnabled(level)) {
            LOG.log(System.Logger.Level.DEBUG, message);
        }
    }

    @Override
    public void log(int level, String message, Throwable cause) {
        if (isEnabled(level)) {
            LOG.log(System.Logger.Level.DEBUG, message + (cause == null ? "" : ": " + cause));
        }
    }
}
