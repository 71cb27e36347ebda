/**
 * Operating the bot: health endpoints, Prometheus metrics and the log format.
 *
 * <h2>Endpoints</h2>
 * {@link io.triagebot.ops.OpsEndpoints#mount} adds them to the bot's Jetty context (HTTP mode);
 * {@link io.triagebot.ops.OpsServer} serves them alone on a port of their own (Socket Mode).
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>path</th><th>answer</th></tr>
 *   <tr><td>{@code GET /healthz}</td><td>200 {@code ok} while the process serves: liveness, checks nothing
 *       else (a restart does not fix a database outage)</td></tr>
 *   <tr><td>{@code GET /readyz}</td><td>200 when the database, the scheduler and Slack all answer ready
 *       within 2 s, else 503; the plain-text body is {@code ready} or {@code not ready}, then one
 *       {@code part: ok} or {@code part: why} line per part</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>the Prometheus text format 0.0.4</td></tr>
 * </table>
 * HEAD is answered like GET; other methods get 405.
 *
 * <h2>Metrics</h2>
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>name</th><th>type</th><th>labels</th></tr>
 *   <tr><td>{@code triagebot_triages_total}</td><td>counter</td><td>{@code outcome} (reported, failed,
 *       interrupted), {@code severity} (CRITICAL, HIGH, MEDIUM, LOW, none)</td></tr>
 *   <tr><td>{@code triagebot_triage_duration_seconds}</td><td>histogram, buckets 0.5 to 60 s</td><td></td></tr>
 *   <tr><td>{@code triagebot_ssh_failures_total}</td><td>counter</td><td>{@code kind} (UNKNOWN_HOST,
 *       CONNECTION_REFUSED, CONNECT_TIMEOUT, AUTH_FAILED, HOST_KEY_UNKNOWN, HOST_KEY_CHANGED, CONFIG,
 *       TRANSPORT)</td></tr>
 *   <tr><td>{@code triagebot_actions_total}</td><td>counter</td><td>{@code outcome} (proposed, approved,
 *       refused, rejected, expired, executed, failed, verified, not_improved, rolled_back)</td></tr>
 *   <tr><td>{@code triagebot_outbox_depth}</td><td>gauge</td><td>messages waiting for Slack; NaN when the
 *       store cannot say</td></tr>
 *   <tr><td>{@code triagebot_outbox_oldest_age_seconds}</td><td>gauge</td><td>seconds the oldest message
 *       Slack has not accepted has waited; 0 when none waits, NaN when the store cannot say</td></tr>
 *   <tr><td>{@code triagebot_slack_token_ok}</td><td>gauge</td><td>1 while Slack accepts the bot token, 0
 *       while it refuses it and delivery is paused</td></tr>
 *   <tr><td>{@code triagebot_slack_requests_total}</td><td>counter</td><td>{@code kind} (slash_command,
 *       block_action)</td></tr>
 *   <tr><td>{@code triagebot_build_info}</td><td>gauge, always 1</td><td>{@code version}, {@code commit}
 *       (the git commit, {@code -dirty} when built from uncommitted changes, {@code unknown} when built
 *       outside git; see {@link io.triagebot.ops.BuildInfo})</td></tr>
 * </table>
 * Any other label value is counted as {@code other}, so nothing a user types becomes a time series.
 *
 * <h2>Logs</h2>
 * Logs go to stderr (stdout carries reports). {@code TRIAGEBOT_LOG_FORMAT=json} writes one JSON object per
 * line in the logstash layout ({@code @timestamp} ISO 8601 UTC, {@code level}, {@code logger_name},
 * {@code thread_name}, {@code message} as rendered, {@code stack_trace}, and the {@link
 * io.triagebot.ops.LogContext} fields {@code incident}, {@code host}, {@code action}, {@code slack_user}
 * when set); {@code text}, the default, writes
 * {@code 2025-01-31T12:00:00.000Z INFO  [thread] logger [incident=INC-42, host=db-3] - message}. Case and
 * blanks do not matter; unset or empty is text, and any other value logs as text after one line on stderr
 * saying so ({@link io.triagebot.ops.LogFormat}). {@code TRIAGEBOT_LOG_LEVEL} sets the level of the bot's
 * own loggers; at {@code DEBUG} the SSH library's lines show as well ({@link io.triagebot.ops.JschLogLevel}).
 */
package io.triagebot.ops;
