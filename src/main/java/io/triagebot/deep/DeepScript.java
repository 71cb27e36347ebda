package io.triagebot.deep;

import java.util.List;

/**
 * Generates the POSIX {@code sh} script of one deep probe run. It is started exactly like the collector
 * ({@link io.triagebot.probe.CollectorCommand}: niced, script on standard input, over SSH or locally),
 * and it:
 *
 * <ol>
 *   <li>checks the host first and answers each missing prerequisite with its reason (binary, root,
 *       perf_event_paranoid, BTF, tracefs, tracepoints), running nothing when one is missing; it never
 *       mounts or changes anything to make a probe possible;</li>
 *   <li>removes private directories of earlier runs that were killed before their trap ran (SIGKILL),
 *       then makes its own with {@code mktemp -d} (mode 0700) as the tools' working and home directory,
 *       so whatever a tool writes by default (perf's build-id cache, a stray perf.data) lands there;
 *       a trap removes it on exit, hang-up, interrupt, termination and broken pipe;</li>
 *   <li>runs the tool for the requested seconds under {@code timeout -k} (duration plus the entry's
 *       grace), in a process group of its own that the trap and a watchdog kill whole, so nothing is
 *       left running; perf runs in pipe mode ({@code perf record -o - | perf script -i -}) and writes
 *       nothing.</li>
 * </ol>
 *
 * <p>Nothing from a user reaches the script but the seconds, an integer already checked against the
 * entry's bounds. Marker lines start with a random nonce ({@code N}), so nothing a tool prints can
 * forge one:
 * <pre>
 *   N H version kind          header
 *   N U requirement detail    a prerequisite is missing (the tool does not run)
 *   N W warning detail        a condition that degrades the result (kptr_restrict for a non-root user)
 *   N B                       the tool's standard output follows
 *   N E rc                    the tool ended with exit status rc
 *   N X deadline              the watchdog is killing the run at its deadline
 *   N Z                       the script finished
 * </pre>
 */
public final class DeepScript {

    /** Bumped whenever the marker grammar changes. */
    public static final int VERSION = 1;

    /** Prefix of the private directories under $TMPDIR (or /tmp); stale ones are recognised by it. */
    public static final String TMP_PREFIX = "triagebot-deep.";

    /** Time granted to the tool after timeout's TERM before its KILL. */
    static final int KILL_AFTER_SECONDS = 2;

    /** The watchdog fires this long after timeout would have killed everything. */
    static final int WATCHDOG_MARGIN_SECONDS = 2;

    /** perf script's fields: enough to fold stacks and tell kernel, user and unsymbolised frames apart. */
    static final String PERF_FIELDS = "comm,pid,ip,sym,dso";

    private DeepScript() {
    }

    /** The tool's own time limit: the duration plus the entry's grace. */
    public static int toolSeconds(DeepProbe probe, int seconds) {
        return seconds + probe.graceSeconds();
    }

    /** When the script's watchdog kills everything, counted from its start. */
    public static int selfDestructSeconds(DeepProbe probe, int seconds) {
        return toolSeconds(probe, seconds) + KILL_AFTER_SECONDS + WATCHDOG_MARGIN_SECONDS;
    }

    /**
     * The script for one run.
     *
     * @param seconds already checked with {@link DeepProbe#checkSeconds}
     * @param nonce from {@link io.triagebot.probe.CollectorScript#newNonce()}
     */
    public static String generate(DeepProbe probe, int seconds, String nonce) {
        if (seconds < 1 || seconds > probe.maxSeconds()) {
            throw new IllegalArgumentException("seconds out of bounds: " + seconds);
        }
        StringBuilder s = new StringBuilder(4096);
        s.append("# triagebot deep probe v").append(VERSION).append(": ").append(probe.id())
                .append(", generated from the deep probe catalog; observes only.\n");
        s.append("N='").append(nonce).append("'\n");
        s.append("""
                export LC_ALL=C
                PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
                umask 077
                exec 4>&1
                TB_U=
                tb_u() { printf '%s U %s %s\\n' "$N" "$1" "$2"; TB_U=1; }
                """);
        s.append("printf '%s H %s %s\\n' \"$N\" ").append(VERSION).append(' ').append(word(probe.id())).append('\n');
        s.append("U=$(id -u)\n");
        appendChecks(s, probe);
        s.append("if [ -n \"$TB_U\" ]; then printf '%s Z\\n' \"$N\"; exit 0; fi\n");
        appendPrivateDirectory(s);
        appendRun(s, probe, seconds);
        return s.toString();
    }

    private static void appendChecks(StringBuilder s, DeepProbe probe) {
        Requirements r = probe.requirements();
        s.append("command -v ").append(word(r.binary())).append(" >/dev/null 2>&1 || tb_u binary ")
                .append(word(r.binary())).append('\n');
        s.append("command -v timeout >/dev/null 2>&1 || tb_u binary timeout\n");
        if (r.root()) {
            s.append("[ \"$U\" = 0 ] || tb_u root \"uid $U\"\n");
        }
        if (r.maxParanoid() != null) {
            s.append("if [ \"$U\" != 0 ]; then\n")
                    .append("  P=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)\n")
                    .append("  [ -n \"$P\" ] && [ \"$P\" -le ").append(r.maxParanoid())
                    .append(" ] 2>/dev/null || tb_u paranoid \"${P:-unreadable}\"\n")
                    .append("  K=$(cat /proc/sys/kernel/kptr_restrict 2>/dev/null)\n")
                    .append("  [ \"${K:-0}\" = 0 ] || printf '%s W kptr_restrict %s\\n' \"$N\" \"$K\"\n")
                    .append("fi\n");
        }
        if (r.btf()) {
            s.append("[ -r /sys/kernel/btf/vmlinux ] || tb_u btf /sys/kernel/btf/vmlinux\n");
        }
        if (r.tracefs()) {
            // Not visible to a non-root user on most hosts; the root requirement already answered that.
            s.append("TR=\n");
            s.append("if [ \"$U\" = 0 ] || [ -z \"$TB_U\" ]; then\n");
            s.append("  for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do\n");
            s.append("    if [ -d \"$d/events\" ]; then TR=$d; break; fi\n");
            s.append("  done\n");
            s.append("  if [ -z \"$TR\" ]; then\n");
            s.append("    tb_u tracefs 'not mounted at /sys/kernel/tracing or /sys/kernel/debug/tracing'\n");
            s.append("  else\n");
            for (String tp : r.tracepoints()) {
                s.append("    [ -d \"$TR/events/").append(tp.replace(':', '/')).append("\" ] || tb_u tracepoint ")
                        .append(word(tp)).append('\n');
            }
            s.append("  fi\n");
            s.append("fi\n");
        }
    }

    private static void appendPrivateDirectory(StringBuilder s) {
        s.append("T=${TMPDIR:-/tmp}\n");
        s.append("# Private directories of earlier runs killed before their trap could run (SIGKILL): ours,\n");
        s.append("# and their run is gone (or never wrote its pid and is older than two minutes).\n");
        s.append("for d in \"$T\"/").append(TMP_PREFIX).append("*; do\n");
        s.append("""
                  [ -d "$d" ] && [ -O "$d" ] || continue
                  p=$(cat "$d/pid" 2>/dev/null)
                  if [ -n "$p" ]; then
                    kill -0 "$p" 2>/dev/null && continue
                  else
                    [ -n "$(find "$d" -maxdepth 0 -mmin +2 2>/dev/null)" ] || continue
                  fi
                  rm -rf "$d"
                done
                """);
        s.append("D=$(mktemp -d \"$T/").append(TMP_PREFIX).append("XXXXXXXX\" 2>/dev/null)")
                .append(" || { tb_u tmpdir \"$T\"; printf '%s Z\\n' \"$N\"; exit 0; }\n");
        s.append("""
                echo $$ > "$D/pid"
                TP=
                W=
                tb_end() {
                  trap - EXIT HUP INT TERM PIPE
                  [ -n "$W" ] && kill "$W" 2>/dev/null
                  [ -n "$TP" ] && kill -9 -"$TP" 2>/dev/null
                  cd / && rm -rf "$D"
                }
                trap 'tb_end' EXIT
                trap 'tb_end; exit 143' HUP INT TERM PIPE
                cd "$D" || exit 1
                # The watchdog: whatever hangs, nothing of this run outlives the deadline.
                tb_wd() {
                  trap 'kill $s 2>/dev/null; exit 0' TERM
                  sleep "$1" 4>&- & s=$!
                  wait $s && {
                    printf '%s X deadline\\n' "$N" >&4
                    kill -9 -"$TP" 2>/dev/null
                    rm -rf "$D"
                    kill -9 -$$ 2>/dev/null || kill -9 $$
                  }
                }
                """);
    }

    private static void appendRun(StringBuilder s, DeepProbe probe, int seconds) {
        int toolSeconds = toolSeconds(probe, seconds);
        s.append("printf '%s B\\n' \"$N\"\n");
        // timeout makes itself the leader of a new process group holding the tool and its children:
        // $TP names that group for the trap and the watchdog.
        s.append("HOME=\"$D\" timeout -k ").append(KILL_AFTER_SECONDS).append(' ').append(toolSeconds).append(' ');
        s.append(String.join(" ", toolCommand(probe, seconds).stream().map(DeepScript::word).toList()));
        s.append(" </dev/null &\nTP=$!\n");
        s.append("tb_wd ").append(selfDestructSeconds(probe, seconds)).append(" >/dev/null 2>&1 </dev/null &\n");
        s.append("""
                W=$!
                wait "$TP"
                rc=$?
                printf '%s E %s\\n' "$N" "$rc"
                printf '%s Z\\n' "$N"
                """);
    }

    /** The tool's argv (the seconds are the only value not from the catalog). */
    static List<String> toolCommand(DeepProbe probe, int seconds) {
        if (probe.tool() == Tool.PERF) {
            // Pipe mode: perf record streams to perf script, nothing touches the disk. -N: no build-id cache
            // (no copies of binaries); -B: no build-id pass over the samples at the end; --no-inline: no
            // addr2line for inlined frames. The last two take seconds off a profile on a busy host.
            return List.of("sh", "-c", "perf record -N -B -F \"$1\" -a -g -o - -- sleep \"$2\""
                    + " | perf script -i - --no-inline -F " + PERF_FIELDS, "sh", Integer.toString(probe.frequency()),
                    Integer.toString(seconds));
        }
        return List.of("bpftrace", "-e", probe.program(), Integer.toString(seconds));
    }

    /** A single-quoted shell word: never interpreted. */
    static String word(String arg) {
        return io.triagebot.shell.ShellWords.quote(arg);
    }
}
