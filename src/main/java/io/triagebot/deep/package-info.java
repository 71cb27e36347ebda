/**
 * Deep dives: bounded profiles and latency histograms on demand (the method's third phase, root cause).
 *
 * <p>The catalog of deep probes is data ({@code commands/deep/*.yaml}, {@link DeepCatalogLoader}); a
 * run is one generated POSIX {@code sh} script ({@link DeepScript}) started exactly as the collector is
 * (niced, script on stdin, over SSH or locally), which checks the host's prerequisites first and then
 * runs perf or bpftrace for the requested seconds. Only the tool runs on the host; the bot folds the
 * stacks and renders flame graphs and histograms ({@code io.triagebot.deep.fold},
 * {@code io.triagebot.deep.render}). {@link DeepDive} is the chat-neutral service adapters call: host,
 * kind and seconds in, files to upload and text to post out, one probe per host at a time with a
 * cooldown shared through the database ({@link DeepProbeLocks}).
 */
package io.triagebot.deep;
