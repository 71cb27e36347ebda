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
 * pseudo-files of a sample are read by a single {@code head} (one exec instead of one per file) and one
 * {@code find} per tree, in a background batch waited for up to a bound: a batch still running then is
 * stuck, its file named and recorded, and the rest read again without it (see {@code tb_guarded});
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
 *   N K probe pid state path a kernel-file read found stuck (pid in state, blocked on path), killed, recorded
 *   N s probe pid            a read not started: its earlier stuck process pid is still there
 *   N X deadline             the watchdog is killing the script at its deadline
 *   N Z                      the script finished
 * </pre>
 */
public final class CollectorScript {

    /** Bumped whenever the marker grammar changes. */
    public static final int VERSION = 2;

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
                # Stuck reads. Kernel files are read by a background batch the script waits for up to $TB_B
                # seconds; a batch still running then is stuck (a hung mount, a D-state read): the file it is
                # blocked on is named (K marker), its processes are killed (they die once the read returns),
                # and it is recorded under a private directory in /dev/shm so that this and later runs skip that
                # file (s marker) while the stuck process is still there (same pid, same start time).
                TB_UID=
                while read -r k v r; do [ "$k" = Uid: ] && TB_UID=$v && break; done </proc/self/status
                TB_SD=/dev/shm/.triagebot-stuck-$TB_UID
                tb_late=
                trap 'tb_late=1' USR1
                tb_proc() { tb_state=; tb_st=; read -r l <"/proc/$1/stat" 2>/dev/null || return 1; set -- ${l##*) }; tb_state=$1; shift 19; tb_st=$1; }
                tb_skip() {
                  [ -f "$TB_SD/$1" ] || return 1
                  read -r op ost <"$TB_SD/$1"
                  if tb_proc "$op" && [ "$tb_st" = "$ost" ] && [ "$tb_state" != Z ]; then printf '%s s %s %s\n' "$N" "$2" "$op"; return 0; fi
                  rm -f "$TB_SD/$1" 2>/dev/null; return 1
                }
                tb_wait() {
                  tb_late=
                  ( trap 'kill $s 2>/dev/null; exit 0' TERM; sleep "$TB_B" & s=$!; wait $s && kill -USR1 $$ ) </dev/null >/dev/null 2>&1 &
                  t=$!
                  wait "$1"; tb_rc=$?
                  if [ -n "$tb_late" ] && kill -0 "$1" 2>/dev/null; then return 1; fi
                  tb_late=; kill $t 2>/dev/null; wait $t 2>/dev/null; return 0
                }
                tb_identify() {
                  tb_ps=" $1 "
                  for f in /proc/[0-9]*/stat; do
                    read -r l <"$f" 2>/dev/null || continue
                    set -- ${l##*) }
                    case "$tb_ps" in *" $2 "*) x=${f#/proc/}; tb_ps="$tb_ps${x%/stat} " ;; esac
                  done
                  tb_path=; tb_pid=
                  for x in $tb_ps; do
                    tb_path=$(ls -l "/proc/$x/fd" 2>/dev/null | while read -r l; do
                      case $l in *' -> /proc/'*|*' -> /sys/'*) printf '%s' "${l##* -> }"; break ;; esac; done)
                    [ -n "$tb_path" ] && tb_pid=$x && break
                  done
                  tb_key "$tb_path"
                  tb_proc "${tb_pid:-$1}"
                  kill -9 $tb_ps 2>/dev/null
                  printf '\n%s K %s %s %s %s\n' "$N" "$q" "${tb_pid:-$1}" "${tb_state:-?}" "$tb_path"
                  if [ -n "$TB_UID" ] && { [ -d "$TB_SD" ] || mkdir -m 700 "$TB_SD" 2>/dev/null; } && [ -O "$TB_SD" ] && [ ! -L "$TB_SD" ]; then
                    printf '%s %s\n' "${tb_pid:-$1}" "$tb_st" >"$TB_SD/$k"
                  fi
                }
                # A batch in the background, waited for up to $TB_B; stuck: named, recorded, the rest read again.
                tb_guarded() {
                  for tb_try in 1 2 3; do
                    "$1" &
                    tb_p=$!
                    tb_wait $tb_p && return $tb_rc
                    tb_identify $tb_p
                  done
                  return 1
                }
                # The watchdog: whatever hangs, nothing of this script outlives the deadline.
                tb_wd() {
                  trap 'kill $s 2>/dev/null; exit 0' TERM
                  sleep "$1" 4>&- & s=$!
                  wait $s && { printf '%s X deadline\\n' "$N" >&4; kill -9 -$$ 2>/dev/null || kill -9 $$; }
                }
                """);
        s.append("TB_B=").append(seconds(stuckBound(window, selfDestruct))).append('\n');
        appendFileBatches(s);
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
        s.append("printf '%s F\\n' \"$N\"\n");
        s.append("tb_guarded tb_files_").append(index).append('\n');
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

    /** How long a kernel-file batch may take before it counts as stuck: a quarter of the time left, 0.5 to 2 s. */
    static Duration stuckBound(Duration window, Duration selfDestruct) {
        long millis = (selfDestruct.toMillis() - window.toMillis()) / 4;
        return Duration.ofMillis(Math.max(500, Math.min(2000, millis)));
    }

    /**
     * One shell function per sample reading its kernel files: one head for the plain files and globs, one
     * find per tree. Each file and tree has a key (f0, t0...) under which a stuck read is recorded, and is
     * skipped while its recorded process is still there; {@code tb_key} maps a path a stuck process has
     * open back to its key and probe.
     */
    private void appendFileBatches(StringBuilder s) {
        Map<String, String> keyOfPath = new LinkedHashMap<>();
        Map<String, String> probeOfKey = new LinkedHashMap<>();
        Map<String, String> keyOfRoot = new LinkedHashMap<>();
        for (int index = 1; index <= 2; index++) {
            Batch b = batch(index);
            for (String f : b.files()) {
                String key = keyOfPath.computeIfAbsent(f, x -> "f" + keyOfPath.size());
                probeOfKey.putIfAbsent(key, b.probeOf().get(f));
            }
            for (String root : b.trees().keySet()) {
                String key = keyOfRoot.computeIfAbsent(root, x -> "t" + keyOfRoot.size());
                probeOfKey.putIfAbsent(key, b.probeOf().get(root));
            }
        }
        s.append("tb_key() {\n  case $1 in\n");
        keyOfPath.forEach((f, key) -> {
            String pattern = f.startsWith("/proc/self/") ? "/proc/[0-9]*/" + word(f.substring("/proc/self/".length()))
                    : word(f);
            s.append("    ").append(pattern).append(") k=").append(key).append(" q=").append(probeOfKey.get(key))
                    .append(" ;;\n");
        });
        keyOfRoot.forEach((root, key) -> s.append("    ").append(word(root)).append("/*) k=").append(key).append(" q=")
                .append(probeOfKey.get(key)).append(" ;;\n"));
        s.append("    *) k=fs q=kernel-files ;;\n  esac\n}\n");
        for (int index = 1; index <= 2; index++) {
            Batch b = batch(index);
            s.append("tb_files_").append(index).append("() {\n  tb_skip fs kernel-files && return 0\n  set --\n");
            for (String f : b.files()) {
                String key = keyOfPath.get(f);
                s.append("  tb_skip ").append(key).append(' ').append(probeOfKey.get(key)).append(" || set -- \"$@\" ")
                        .append(word(f)).append('\n');
            }
            // With a single file head prints no header; /dev/null makes it.
            s.append("  [ $# -eq 1 ] && set -- /dev/null \"$@\"\n");
            s.append("  [ $# -gt 0 ] && head -n ").append(b.maxLines()).append(" \"$@\" 2>&1 </dev/null\n");
            b.trees().forEach((root, names) -> {
                String key = keyOfRoot.get(root);
                s.append("  tb_skip ").append(key).append(' ').append(probeOfKey.get(key)).append(" || find ")
                        .append(word(root)).append(" -maxdepth ").append(TREE_DEPTH).append(" \\(");
                for (int i = 0; i < names.size(); i++) {
                    s.append(i == 0 ? " -name " : " -o -name ").append(word(names.get(i)));
                }
                s.append(" \\) -exec head -n ").append(b.maxLines()).append(" /dev/null {} + 2>/dev/null </dev/null\n");
            });
            s.append("  return 0\n}\n");
        }
    }

    /** The kernel files of one sample: plain paths and globs for one head, trees (ROOT, names) for find. */
    private record Batch(List<String> files, Map<String, List<String>> trees, int maxLines, Map<String, String> probeOf) {
    }

    private Batch batch(int index) {
        List<String> files = new ArrayList<>();
        Map<String, List<String>> trees = new LinkedHashMap<>();
        Map<String, String> probeOf = new LinkedHashMap<>();
        // /proc/uptime first: it timestamps the sample and guarantees head sees several files, so it
        // prints a "==> path <==" header before every one.
        files.add("/proc/uptime");
        probeOf.put("/proc/uptime", "uptime");
        int maxLines = 1;
        for (ProbeDefinition p : catalog.probes()) {
            if (!p.isCommand() && (index == 1 || p.isCounter())) {
                for (String f : p.files()) {
                    int star = f.indexOf("/**/");
                    if (star >= 0) {
                        String root = f.substring(0, star);
                        List<String> names = trees.computeIfAbsent(root, k -> new ArrayList<>());
                        probeOf.putIfAbsent(root, p.id());
                        if (!names.contains(f.substring(star + 4))) {
                            names.add(f.substring(star + 4));
                        }
                    } else if (!files.contains(f)) {
                        files.add(f);
                        probeOf.putIfAbsent(f, p.id());
                    }
                }
                maxLines = Math.max(maxLines, p.maxLines());
            }
        }
        return new Batch(files, trees, maxLines, probeOf);
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
