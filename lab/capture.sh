#!/usr/bin/env bash
# Capture replayable fixtures of REAL conditions on this host (as root):
#
#   ./mvnw -q -o package -DskipTests      # capture.sh builds nothing; it needs target/triagebot.jar
#   sudo lab/capture.sh                   # every condition: idle FIRST, kmsg LAST
#   sudo lab/capture.sh cpu swap-storm    # only these (still in the canonical order)
#   sudo CLEAN_LOG_WAIT=5400 lab/capture.sh   # wait up to 90 min for a clean kernel log before idle
#   lab/capture.sh --readme-only          # regenerate README.md from the fixtures' headers
#
# Environment: SETTLE (5 s), WINDOW (2 s), QUIET_PERCENT (25), QUIET_TIMEOUT (600 s), CLEAN_LOG_WAIT
# (0 s), TRIAGEBOT_FIXTURES (output directory, default src/test/resources/fixtures).
#
# For each condition: lab.sh start (which waits until the condition is visible), SETTLE seconds,
# `triagebot triage local --window WINDOW --save-raw` with provenance headers, lab.sh stop, verify
# that nothing of the lab is left. A trap runs `lab.sh stop-all` on any exit.
#
# Output: src/test/resources/fixtures/CONDITION/local.run (the collector's raw stream, header lines
# first; triagebot names the file after the host, "local"), CONDITION/expected.yaml (what
# FixtureCorpusTest asserts) and README.md (regenerated from the headers of every fixture present).
#
# The idle baseline needs a quiet host: it waits (bounded) until the CPUs are mostly idle and refuses
# when the kernel log holds escalation lines younger than an hour (e.g. from an earlier kmsg or oom
# capture: kernel log lines cannot be removed), since both would make "idle" a lie.
set -euo pipefail

cd "$(dirname "$0")/.."
readonly LAB=lab/lab.sh
readonly JAR=target/triagebot.jar
readonly FIXTURES=${TRIAGEBOT_FIXTURES:-src/test/resources/fixtures}
readonly SETTLE=${SETTLE:-5}
readonly WINDOW=${WINDOW:-2}
readonly QUIET_PERCENT=${QUIET_PERCENT:-25}
readonly QUIET_TIMEOUT=${QUIET_TIMEOUT:-600}
# Seconds to wait, before idle, for the kernel log to hold no escalation line younger than an hour
# (0: refuse at once). The lab session is held meanwhile, so no LiveLabIT run adds kmsg lines.
readonly CLEAN_LOG_WAIT=${CLEAN_LOG_WAIT:-0}
# idle FIRST (nothing before it), kmsg LAST (its lines cannot be removed), oom just before kmsg: its
# OOM reports stay in the kernel log too, and a fresh OOM in the log is a finding of its own that
# would compete with the condition of every fixture captured after it.
readonly ORDER=(idle cpu context-switch timer-irq futex sync-write swap-storm cpu-quota tcp-retrans
    listen-overflow pid-limit port-exhaustion freezer oom kmsg)

log() { echo "capture: $*" >&2; }
die() { echo "capture: ERROR: $*" >&2; exit 1; }

README_ONLY=false
[[ ${1:-} == --readme-only ]] && README_ONLY=true
if ! $README_ONLY; then
[[ $(id -u) -eq 0 ]] || die "must run as root"
[[ -f $JAR ]] || die "$JAR not found: run ./mvnw -q -o package -DskipTests first"
# Work from a private copy: a concurrent build may replace or delete target/ mid-capture, and every
# fixture of one run should come from the same build.
JAR_COPY=$(mktemp -d /tmp/triagebot-capture-jar.XXXXXX)/triagebot.jar
cp "$JAR" "$JAR_COPY"
JAR_SHA=$(sha256sum "$JAR_COPY" | cut -c1-16)
readonly JAR_COPY JAR_SHA
fi

# ---------------------------------------------------------------------------------------------------
# What each fixture must show. expected.yaml is read by FixtureCorpusTest:
#   first-pattern   the pattern of the report's first finding
#   severity        the report's severity (idle)
#   no-high-findings  no finding of severity HIGH or CRITICAL (idle)
#   names-port      the first finding's title or culprit names this port
#   escalations     kernel-log triggers that must be reported, each with an age
#   capture         checks on the raw data that hold whatever the detectors do (FixtureCorpusTest
#                   implements them): counters that rose between the samples, etc.
# ---------------------------------------------------------------------------------------------------
expected_yaml() {
    local c=$1
    echo "# What FixtureCorpusTest asserts for this fixture (written by lab/capture.sh)."
    echo "condition: $c"
    case $c in
        idle)
            echo "severity: LOW"
            echo "no-high-findings: true"
            echo "capture:"
            echo "  no-recent-escalations: true"
            ;;
        cpu)
            echo "first-pattern: cpu-saturation"
            echo "capture:"
            echo "  min-cpu-busy-percent: 90"
            ;;
        context-switch)
            echo "first-pattern: context-switch-explosion"
            echo "capture:"
            echo "  min-rate: {stat.ctxt: 100000}"
            ;;
        timer-irq)
            echo "first-pattern: interrupt-storm"
            echo "capture:"
            echo "  min-rate: {stat.intr: 40000, interrupts.LOC: 40000}"
            ;;
        futex)
            echo "first-pattern: lock-convoy"
            echo "capture:"
            echo "  min-threads-on-futex-wchan-of-one-process: 16"
            echo "  min-rate: {stat.ctxt: 20000}"
            ;;
        sync-write)
            echo "first-pattern: io-stall"
            echo "capture:"
            echo "  min-rate: {disk.$(lab_device).writes: 500}"
            echo "  rose: [psi.io.full]"
            ;;
        pid-limit)
            echo "first-pattern: pid-exhaustion"
            echo "capture:"
            echo "  kernel-log-contains: fork rejected by pids controller"
            ;;
        port-exhaustion)
            echo "first-pattern: ephemeral-port-exhaustion"
            echo "names-port: 29473"
            ;;
        freezer)
            echo "in-first-three: unexplained-load"
            echo "absent-patterns: [io-stall]"
            ;;
        swap-storm)
            echo "first-pattern: swap-death-spiral"
            echo "capture:"
            echo "  rose: [vmstat.pswpin, vmstat.pswpout, vmstat.pgmajfault, psi.memory.full]"
            echo "  min-rate: {vmstat.pswpin: 1000, vmstat.pswpout: 1000}"
            echo "  cgroup-memory-limited: /triagebot-lab/swap-storm"
            ;;
        oom)
            echo "first-pattern: oom-kill"
            echo "capture:"
            echo "  rose: [vmstat.oom_kill, cgroup.oom_kills:/triagebot-lab/oom]"
            ;;
        cpu-quota)
            echo "first-pattern: cgroup-cpu-throttling"
            echo "capture:"
            echo "  rose: [cgroup.throttled_periods:/triagebot-lab/cpu-quota]"
            echo "  cgroup-cpu-limit: {/triagebot-lab/cpu-quota: 0.2}"
            ;;
        tcp-retrans)
            echo "first-pattern: tcp-collapse"
            echo "capture:"
            echo "  rose: [snmp.Tcp.RetransSegs, snmp.Tcp.OutSegs]"
            ;;
        listen-overflow)
            echo "first-pattern: tcp-collapse"
            echo "names-port: $(lab_port listen-overflow)"
            echo "capture:"
            echo "  rose: [netstat.TcpExt.ListenOverflows]"
            echo "  listening-port: $(lab_port listen-overflow)"
            ;;
        kmsg)
            echo "escalations: [soft-lockup, hung-task, rcu-stall, oom-kill, storage-error, irq-nobody-cared, neighbour-table-overflow, clocksource-unstable, callbacks-suppressed]"
            echo "other-kernel-warning: 'triagebot-lab: unknown warning on queue #'"
            echo "capture:"
            echo "  kernel-log-contains: triagebot-lab"
            ;;
        *) die "no expectations for $c" ;;
    esac
}

lab_port() {
    case $1 in
        tcp-retrans) echo "${TRIAGEBOT_LAB_RETRANS_PORT:-29471}" ;;
        listen-overflow) echo "${TRIAGEBOT_LAB_LISTEN_PORT:-29472}" ;;
    esac
}

# The block device under the sync-write scratch directory (as lab.sh picks it).
lab_device() {
    local scratch=${TRIAGEBOT_LAB_SCRATCH:-/var/tmp/triagebot-lab} src dev
    local probe=$scratch
    while [[ ! -e $probe ]]; do probe=$(dirname "$probe"); done
    src=$(df --output=source "$probe" | tail -1)
    dev=$(basename "$(readlink -f "$src")")
    [[ -e /sys/block/$dev ]] || dev=$(basename "$(dirname "$(readlink -f /sys/class/block/"$dev")")")
    echo "$dev"
}

# ---------------------------------------------------------------------------------------------------
cpu_busy_percent() { # over $1 seconds
    local a b total=0 idle i
    read -r -a a < <(grep '^cpu ' /proc/stat)
    sleep "$1"
    read -r -a b < <(grep '^cpu ' /proc/stat)
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    idle=$((b[4] - a[4] + b[5] - a[5]))
    echo $(((total - idle) * 100 / (total > 0 ? total : 1)))
}

# Wait until three 1-second measurements in a row are under QUIET_PERCENT busy. Prints the last one.
wait_quiet() {
    local deadline=$((SECONDS + QUIET_TIMEOUT)) ok=0 busy=100
    while ((SECONDS < deadline)); do
        busy=$(cpu_busy_percent 1)
        if ((busy < QUIET_PERCENT)); then ok=$((ok + 1)); else ok=0; fi
        if ((ok >= 3)); then echo "$busy"; return 0; fi
    done
    echo "$busy"
    return 1
}

# Kernel log lines matching the escalation triggers, younger than an hour (prints them).
recent_escalation_lines() {
    local uptime
    uptime=$(cut -d' ' -f1 /proc/uptime)
    dmesg 2>/dev/null | awk -v now="$uptime" '
        match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
            ts = substr($0, 2, RLENGTH - 2) + 0
            if (now - ts > 3600) next
            if ($0 ~ /Oops:|BUG: unable to handle|kernel BUG at|Kernel panic - not syncing|general protection fault|hard LOCKUP|BUG: soft lockup|INFO: task .* blocked for more than|rcu_[a-z_]+ (detected stalls|self-detected stall)|BUG: workqueue lockup|invoked oom-killer|oom-kill:constraint=|Out of memory: Kill|Memory cgroup out of memory|Hardware Error|Machine check events logged|EDAC .*(CE|UE)|QID [0-9]+ timeout|controller is down|timing out command|I\/O error, dev|nobody cared|Disabling IRQ #/)
                print
        }'
}

captured_on() {
    local os mem virt
    os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -o)
    mem=$(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
    virt="vm $(systemd-detect-virt --vm 2>/dev/null || (grep -qw hypervisor /proc/cpuinfo && echo unknown) || echo none)"
    grep -qi firecracker /proc/cmdline && virt="$virt (Firecracker microVM)"
    local container
    container=$(systemd-detect-virt --container 2>/dev/null || true)
    [[ -n $container && $container != none ]] && virt="$virt, container $container"
    local cg
    cg=$(awk '$3=="cgroup" {n=split($4, o, ","); for (i=1;i<=n;i++) if (o[i] ~ /^(cpu|memory)$/) c[o[i]]=$2} $3=="cgroup2" {v2=$2}
        END {s=""; for (k in c) s = s (s==""?"":", ") "v1 " k " at " c[k]; if (v2 != "") s = s (s==""?"":", ") "cgroup2 at " v2; print s}' /proc/self/mounts)
    echo "$os; kernel $(uname -r) $(uname -m); cgroup $($LAB list | sed -n 's/^cgroup layout: \([^;]*\);.*/\1/p') ($cg); nproc $(nproc); $mem RAM; virtualization $virt; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

# ---------------------------------------------------------------------------------------------------
capture_one() {
    local c=$1 dir=$FIXTURES/$1 tmp how busy quiet=true
    log "=== $c"
    if [[ $c == idle ]]; then
        local dirty deadline=$((SECONDS + CLEAN_LOG_WAIT))
        dirty=$(recent_escalation_lines)
        while [[ -n $dirty ]] && ((SECONDS < deadline)); do
            log "idle: waiting for the kernel log to be clean for an hour (newest: $(echo "$dirty" | tail -1 | cut -c1-100))"
            sleep 60
            dirty=$(recent_escalation_lines)
        done
        if [[ -n $dirty ]]; then
            echo "$dirty" | tail -5 >&2
            die "idle: the kernel log has escalation lines younger than an hour (above); an idle capture now would report them. Capture idle later, or the other conditions only: lab/capture.sh ${ORDER[*]:1}"
        fi
    fi
    if ! busy=$(wait_quiet); then
        [[ $c == idle ]] && die "idle: the host did not become quiet (< ${QUIET_PERCENT}% CPU busy) within ${QUIET_TIMEOUT}s (last ${busy}%)"
        log "$c: host not quiet (${busy}% busy) after ${QUIET_TIMEOUT}s; capturing anyway and saying so"
        quiet=false
    fi
    if [[ $c == idle ]]; then
        how="no condition: lab/lab.sh stop-all, then waited until 3 consecutive 1 s samples showed < ${QUIET_PERCENT}% CPU busy (last ${busy}%)"
    else
        $LAB start "$c"
        how="lab/lab.sh start $c: $($LAB how "$c")"
        sleep "$SETTLE"
    fi
    tmp=$(mktemp -d "$(dirname "$JAR_COPY")/capture.XXXXXX") # removed with the jar copy by the trap
    local extra=()
    [[ $c == listen-overflow || $c == tcp-retrans ]] && extra+=(--provenance "port=$(lab_port "$c")")
    java -jar "$JAR_COPY" triage local --window "$WINDOW" --save-raw "$tmp" --json \
        --provenance "condition=$c" \
        --provenance "how=$how" \
        --provenance "settle-seconds=$([[ $c == idle ]] && echo 0 || echo "$SETTLE")" \
        --provenance "background-cpu-busy-before=${busy}% (quiet: $quiet)" \
        --provenance "captured-on=$(captured_on)" \
        --provenance "captured-by=lab/capture.sh with target/triagebot.jar sha256 $JAR_SHA..." \
        "${extra[@]}" >"$tmp/report.json"
    if [[ $c != idle ]]; then
        $LAB stop "$c"
    fi
    $LAB verify-clean >/dev/null || die "$c: the lab left something behind: $($LAB verify-clean)"
    mkdir -p "$dir"
    mv "$tmp/local.run" "$dir/local.run"
    expected_yaml "$c" >"$dir/expected.yaml"
    local size
    size=$(stat -c %s "$dir/local.run")
    ((size < 2 * 1024 * 1024)) || die "$c: $dir/local.run is $size bytes (limit 2 MiB)"
    ((size < 1024 * 1024)) || log "$c: $dir/local.run is $size bytes (over 1 MiB: process/thread tables)"
    python3 - "$tmp/report.json" "$c" "$size" <<'EOF' >&2
import json, sys
r = json.loads(open(sys.argv[1]).readline())
f = r.get("findings") or []
first = f"{f[0]['pattern']} {f[0]['severity']} '{f[0]['title']}'" if f else "no finding"
esc = ", ".join(e["trigger"] for e in r.get("escalations") or []) or "none"
print(f"capture: {sys.argv[2]}: {int(sys.argv[3]) // 1024} KiB; severity {r['severity']}; first finding: {first}; escalations: {esc}")
EOF
    rm -rf "$tmp"
}

# README.md from every fixture's header (handwritten ones included).
write_readme() {
    python3 - "$FIXTURES" <<'EOF'
import os, sys
root = sys.argv[1]
def header(path):
    h = {}
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line == "# --":
                break
            if line.startswith("# ") and ": " in line:
                k, v = line[2:].split(": ", 1)
                h[k] = v
    return h
def expected(path):
    out = {}
    try:
        for line in open(path):
            if ":" in line and not line.startswith((" ", "#")):
                k, v = line.split(":", 1)
                out[k.strip()] = v.strip()
    except FileNotFoundError:
        pass
    return out
rows = []
for dirpath, dirs, files in os.walk(root):
    dirs.sort()
    for name in sorted(files):
        if name.endswith(".run"):
            p = os.path.join(dirpath, name)
            rows.append((os.path.relpath(p, root), header(p), expected(os.path.join(dirpath, "expected.yaml")), os.path.getsize(p)))
out = []
out.append("# Fixtures: real collector runs of induced conditions\n")
out.append("Each `*.run` file is the raw stream of one `triagebot triage local --save-raw` run (format: "
           "`io.triagebot.probe.CollectorRunFile`: `# key: value` header lines, `# --`, then the stream byte "
           "for byte), replayed by `io.triagebot.lab.FixtureCorpusTest` through the real pipeline "
           "(CollectorRunFile.read, Collector.assemble, SnapshotReader.read, Analyzer). Each directory's "
           "`expected.yaml` says what the test asserts: the expected first finding (or severity, or kernel-log "
           "escalations) and `capture:` checks on the raw data that validate the capture itself.\n")
out.append("Made by `lab/capture.sh` (as root, after `./mvnw -q -o package -DskipTests`), which starts each "
           "condition with `lab/lab.sh start CONDITION`, waits until it is visible in procfs, lets it settle, "
           "captures with `--window 2`, stops it and verifies that nothing of the lab is left. The idle "
           "baseline is taken first (on a quiet host, with no escalation lines in the kernel log from the last "
           "hour), oom second to last and kmsg last. The file is named after the host (`local.run`).\n")
out.append("Kernel log lines cannot be removed: after the `oom` and `kmsg` captures the host's kernel log "
           "keeps the OOM reports and the tagged trigger lines (`triagebot-lab`) until reboot, and a triage of "
           "that host reports them as recent escalations for an hour. That is why they are captured last: only "
           "the kmsg fixture shows the oom capture's OOM reports.\n")
out.append("Hand-written fixtures (`handwritten/`) exist only for what cannot be induced on a single-node VM: "
           "each is a real capture with only the relevant files edited (`lab/handwrite.py`), and its header "
           "says `handwritten: true` and why.\n")
out.append("| fixture | expects | size | how it was made | captured on |")
out.append("|---|---|---|---|---|")
for rel, h, e, size in rows:
    expects = e.get("first-pattern") or ("escalations " + e["escalations"] if "escalations" in e else "severity " + e.get("severity", "?"))
    how = h.get("how", "")
    if h.get("handwritten") == "true":
        how = "HANDWRITTEN: " + h.get("why", "") + " Edits: " + h.get("edits", "")
    how = how.replace("|", "\\|")
    out.append(f"| `{rel}` | {expects} | {size // 1024} KiB | {how} | {h.get('captured-on', '').replace('|', '/')} |")
open(os.path.join(root, "README.md"), "w").write("\n".join(out) + "\n")
EOF
}

# ---------------------------------------------------------------------------------------------------
main() {
    local wanted=("$@") c todo=()
    if ((${#wanted[@]} == 0)); then
        todo=("${ORDER[@]}")
    else
        for c in "${wanted[@]}"; do
            [[ " ${ORDER[*]} " == *" $c "* ]] || die "unknown condition '$c' (known: ${ORDER[*]})"
        done
        for c in "${ORDER[@]}"; do
            [[ " ${wanted[*]} " == *" $c "* ]] && todo+=("$c")
        done
    fi
    # One lab user at a time: wait (bounded) for a LiveLabIT or another capture to finish.
    $LAB session-begin $$ 1800 || die "the lab is busy"
    trap '$LAB stop-all >/dev/null 2>&1 || $LAB stop-all; $LAB session-end $$; rm -rf "$(dirname "$JAR_COPY")"' EXIT
    trap 'exit 130' INT TERM
    $LAB stop-all
    mkdir -p "$FIXTURES"
    for c in "${todo[@]}"; do
        capture_one "$c"
        if [[ $c == idle ]]; then
            # Hand-written fixtures are edits of the fresh idle capture (see lab/handwrite.py).
            python3 lab/handwrite.py "$FIXTURES/idle/local.run" "$FIXTURES"
        fi
    done
    write_readme
    log "done: ${todo[*]}"
}

if $README_ONLY; then
    write_readme
    exit 0
fi
main "$@"
