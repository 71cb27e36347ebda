package io.triagebot.probe;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Generates the POSIX {@code sh} script that reads every probe of a catalog on a target, twice for
 * counters, and prints one sectioned stream for {@link CollectorOutputParser}.
 *
 * <p>Cost on the target is the design constraint: a sick host must not get sicker. All kernel
 * pseudo-files of a sample are read by a single {@code head} (one exec instead of one per file);
 * commands are few and each runs under {@code timeout}; a background watchdog kills the whole script at
 * the deadline so a hung read can never leave a process behind; and the caller starts it under
 * {@code nice}/{@code ionice} ({@link CollectorCommand}).
 *
 * <p>Every marker line starts with a random nonce, so nothing a process or the kernel log prints can
 * forge one. Marker grammar ({@code N} is the nonce):
 * <pre>
 *   N H version              header
 *   N S index                sample begins (1, then 2 after the window)
 *   N F                      head batch begins: "==> path &lt;==" blocks and "head: ..." errors follow
 *   N f rc                   head batch ends
 *   N C probe                a command attempt begins (a probe may have fallbacks: several attempts)
 *   N R probe rc             that attempt ended with exit status rc
 *   N X deadline             the watchdog is killing the script at its deadline
 *   N Z                      the script finished
 * </pre>
 */
public final class CollectorScript {

    /** Bumped whenever the marker grammar changes. */
    public static final int VERSION = 1;

    /** How deep a tree glob (ROOT, two stars, NAME) looks: enough for systemd slices and pod cgroups. */
    static final int TREE_DEPTH = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProbeCatalog catalog;

    public CollectorScript(ProbeCatalog catalog) {
        this.catalog = catalog;
    }

    /** A fresh unguessable marker prefix for one run. */
    public static String newNonce() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "@@TB" + HexFormat.of().formatHex(bytes);
    }

    /**
     * The script for one run.
     *
     * @param nonce from {@link #newNonce()}
     * @param window time between the two samples
     * @param selfDestruct after this long the script kills itself and its children
     */
    public String generate(String nonce, Duration window, Duration selfDestruct) {
        StringBuilder s = new StringBuilder(8192);
        s.append("# triagebot collector v").append(VERSION).append(": generated from the probe catalog; reads only.\n");
        s.append("N='").append(nonce).append("'\n");
        s.append("""
                export LC_ALL=C
                PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
                exec 4>&1
                TB_TO=
                command -v timeout >/dev/null 2>&1 && TB_TO=1
                tb_run() { t=$1; shift; if [ -n "$TB_TO" ] && [ "$t" != 0 ]; then timeout -k 1 "$t" "$@"; else "$@"; fi; }
                # A command runs under timeout with stderr folded in. Only keep-the-tail commands (logs)
                # pass through tail, whose exit status would hide the command's; that status goes around
                # the pipe on fd 3. Head-capped output is cut by the reader: no extra process for it.
                tb_cmd() {
                  p=$1; m=$2; l=$3; t=$4; ok=$5; shift 5
                  printf '%s C %s\\n' "$N" "$p"
                  if [ "$m" = tail ]; then
                    rc=$( { { tb_run "$t" "$@" 2>&1 </dev/null; echo $? >&3; } | tail -n "$l" >&4; } 3>&1 )
                  else
                    tb_run "$t" "$@" 2>&1 </dev/null; rc=$?
                  fi
                  printf '%s R %s %s\\n' "$N" "$p" "$rc"
                  case " $ok " in *" $rc "*) return 0 ;; esac
                  return 1
                }
                # The watchdog: whatever hangs, nothing of this script outlives the deadline.
                tb_wd() {
                  trap 'kill $s 2>/dev/null; exit 0' TERM
                  sleep "$1" 4>&- & s=$!
                  wait $s && { printf '%s X deadline\\n' "$N" >&4; kill -9 -$$ 2>/dev/null || kill -9 $$; }
                }
                """);
        s.append("tb_wd ").append(seconds(selfDestruct)).append(" >/dev/null 2>&1 </dev/null &\nW=$!\n");
        s.append("printf '%s H %s\\n' \"$N\" ").append(VERSION).append('\n');
        appendSample(s, 1);
        s.append("sleep ").append(seconds(window)).append(" </dev/null\n");
        appendSample(s, 2);
        s.append("kill $W 2>/dev/null\n");
        s.append("printf '%s Z\\n' \"$N\"\n");
        return s.toString();
    }

    private void appendSample(StringBuilder s, int index) {
        s.append("printf '%s S ").append(index).append("\\n' \"$N\"\n");
        List<String> files = new ArrayList<>();
        Map<String, List<String>> trees = new LinkedHashMap<>();
        // /proc/uptime first: it timestamps the sample and guarantees head sees several files, so it
        // prints a "==> path <==" header before every one.
        files.add("/proc/uptime");
        int maxLines = 1;
        for (ProbeDefinition p : catalog.probes()) {
            if (!p.isCommand() && (index == 1 || p.isCounter())) {
                for (String f : p.files()) {
                    int star = f.indexOf("/**/");
                    if (star >= 0) {
                        List<String> names = trees.computeIfAbsent(f.substring(0, star), k -> new ArrayList<>());
                        if (!names.contains(f.substring(star + 4))) {
                            names.add(f.substring(star + 4));
                        }
                    } else if (!files.contains(f)) {
                        files.add(f);
                    }
                }
                maxLines = Math.max(maxLines, p.maxLines());
            }
        }
        s.append("printf '%s F\\n' \"$N\"\n");
        s.append("head -n ").append(maxLines);
        for (String f : files) {
            s.append(' ').append(word(f));
        }
        s.append(" 2>&1 </dev/null\n");
        int batchLines = maxLines;
        // Trees (ROOT/**/NAME) are walked once each by find, which hands every match to one head;
        // /dev/null makes head print a header even when a single file matches.
        trees.forEach((root, names) -> {
            s.append("find ").append(word(root)).append(" -maxdepth ").append(TREE_DEPTH).append(" \\(");
            for (int i = 0; i < names.size(); i++) {
                s.append(i == 0 ? " -name " : " -o -name ").append(word(names.get(i)));
            }
            s.append(" \\) -exec head -n ").append(batchLines).append(" /dev/null {} + 2>/dev/null </dev/null\n");
        });
        s.append("printf '%s f %s\\n' \"$N\" $?\n");
        for (ProbeDefinition p : catalog.probes()) {
            if (p.isCommand() && (index == 1 || p.isCounter())) {
                List<String> attempts = new ArrayList<>();
                for (List<String> argv : p.commands()) {
                    StringBuilder a = new StringBuilder("tb_cmd ").append(p.id())
                            .append(p.keepTail() ? " tail " : " head ").append(p.maxLines())
                            .append(' ').append(p.timeoutSeconds())
                            .append(" '").append(p.okExitCodes().stream().map(String::valueOf)
                                    .collect(java.util.stream.Collectors.joining(" "))).append('\'');
                    for (String arg : argv) {
                        a.append(' ').append(word(arg));
                    }
                    attempts.add(a.toString());
                }
                s.append(String.join(" || ", attempts)).append('\n');
            }
        }
    }

    /** True for an argument the shell should expand: an absolute path with glob characters. */
    static boolean isGlob(String arg) {
        return arg.startsWith("/") && (arg.indexOf('*') >= 0 || arg.indexOf('?') >= 0 || arg.indexOf('[') >= 0);
    }

    /**
     * A shell word for {@code arg}: globs stay bare so sh expands them (the loader has restricted them to
     * safe characters); everything else is single-quoted, so it is never interpreted.
     */
    static String word(String arg) {
        if (isGlob(arg)) {
            return arg;
        }
        return io.triagebot.shell.ShellWords.quote(arg);
    }

    private static String seconds(Duration d) {
        long millis = Math.max(1, d.toMillis());
        if (millis % 1000 == 0) {
            return Long.toString(millis / 1000);
        }
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
