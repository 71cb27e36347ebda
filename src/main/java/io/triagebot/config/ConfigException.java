package io.triagebot.config;

/** The bot's configuration is unusable; the message names the file and line or the variable. */
public class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }
}
