package io.triagebot.ops;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.MDC;

/**
 * The fields that tie a log line to the work it belongs to: {@code incident}, {@code host}, {@code action}
 * and {@code slack_user}. Set them where a request or a job starts, and every line logged inside, by any
 * class and any library that logs through SLF4J, carries them: as fields of their own in JSON logs
 * ({@code "incident": "INC-42"}), after the logger name in text logs ({@code [incident=INC-42, host=db-3]}).
 *
 * <pre>{@code
 * // Where the work starts (a Slack handler, a Quartz job, a command): open, and close on the same thread.
 * try (LogContext.Scope scope = LogContext.with(Field.INCIDENT, incident.id().toString())
 *         .and(Field.HOST, host.value())
 *         .and(Field.SLACK_USER, userId)
 *         .open()) {
 *     log.info("triage requested");          // carries incident, host and slack_user
 *     pool.submit(LogContext.carry(() -> {  // a task for another thread takes them along...
 *         log.info("collecting");           // ...so this line carries them too
 *     }));
 * }                                        // the fields are back to what they were before
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>Open a scope with try-with-resources on the thread that does the work; closing restores the values
 *       the fields had before, so scopes nest (a job for an incident, then one host inside it).</li>
 *   <li>The fields live on the thread (SLF4J's MDC). A task handed to an executor, a scheduler or a
 *       {@code CompletableFuture} loses them unless wrapped with {@link #carry(Runnable)} or
 *       {@link #carry(Callable)} where it is handed over. Threads a library starts itself (JSch's session
 *       reader, Jetty's acceptors) never have them.</li>
 *   <li>A null value leaves a field as it was. Values are clipped to {@value #MAX_VALUE_LENGTH} characters
 *       and control characters become {@code ?}: a value from Slack cannot forge or split a log line.</li>
 * </ul>
 */
public final class LogContext {

    /** The longest value a field keeps; ids and host names are far shorter. */
    static final int MAX_VALUE_LENGTH = 128;

    /** The fields, by their name in the logs. */
    public enum Field {
        /** The incident id, e.g. {@code INC-42}. */
        INCIDENT("incident"),
        /** The host a triage or an action is about, as asked for. */
        HOST("host"),
        /** The runbook action: its id and the runbook, e.g. {@code 17 vm-swappiness}. */
        ACTION("action"),
        /** The Slack user id of whoever asked or clicked, e.g. {@code U0AAAA111}. */
        SLACK_USER("slack_user");

        private final String key;

        Field(String key) {
            this.key = key;
        }

        /** The MDC key, and the field's name in the logs. */
        public String key() {
            return key;
        }
    }

    /** Open fields; {@link #close()} puts back what was there before. Never throws. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Fields to set together; {@link #open()} sets them. */
    public static final class Fields {

        private final Map<Field, String> values = new EnumMap<>(Field.class);

        private Fields() {
        }

        /** Adds a field; a null value is skipped. */
        public Fields and(Field field, String value) {
            if (value != null) {
                values.put(field, clean(value));
            }
            return this;
        }

        /** Sets the fields on this thread until the scope is closed. */
        public Scope open() {
            List<Runnable> restore = new ArrayList<>(values.size());
            values.forEach((field, value) -> {
                String previous = MDC.get(field.key());
                MDC.put(field.key(), value);
                restore.add(() -> reset(field.key(), previous));
            });
            return () -> restore.forEach(Runnable::run);
        }
    }

    private LogContext() {
    }

    /** Starts a set of fields with one; add more with {@link Fields#and}, then {@link Fields#open()}. */
    public static Fields with(Field field, String value) {
        return new Fields().and(field, value);
    }

    /** The fields set on this thread now, for assertions and for handing to another thread by hand. */
    public static Map<String, String> current() {
        Map<String, String> copy = MDC.getCopyOfContextMap();
        return copy == null ? Map.of() : Map.copyOf(copy);
    }

    /** {@code task} with the fields of the calling thread, as they are now, set around its run. */
    public static Runnable carry(Runnable task) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            replace(captured);
            try {
                task.run();
            } finally {
                replace(previous);
            }
        };
    }

    /** {@code task} with the fields of the calling thread, as they are now, set around its call. */
    public static <T> Callable<T> carry(Callable<T> task) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            replace(captured);
            try {
                return task.call();
            } finally {
                replace(previous);
            }
        };
    }

    private static void replace(Map<String, String> values) {
        if (values == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(values);
        }
    }

    private static void reset(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }

    /** Control characters (newlines above all) become {@code ?}; long values are clipped. */
    static String clean(String value) {
        String clipped = value.length() <= MAX_VALUE_LENGTH ? value : value.substring(0, MAX_VALUE_LENGTH);
        StringBuilder out = new StringBuilder(clipped.length());
        clipped.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
