#!/usr/bin/env bash
# triagebot lab: induce REAL kernel performance conditions on THIS host, so that triagebot can be
# captured (lab/capture.sh -> src/test/resources/fixtures) and tested live (LiveLabIT) against them.
#
#   lab.sh start CONDITION    induce it and wait (bounded) until it is visible in procfs; idempotent
#   lab.sh stop CONDITION     undo it completely and verify; idempotent
#   lab.sh stop-all           undo everything the lab ever made, even after a crash (no state needed)
#   lab.sh list               conditions, whether each is running, and any leftovers
#   lab.sh verify-clean       exit 1 if anything the lab makes is still present
#   lab.sh how CONDITION      the exact commands and parameters of a running condition
#   lab.sh conditions         the condition names, one a line
#   lab.sh preflight          check every prerequisite (root, tools, cgroups, zram, kmsg, ports);
#                             prints what is missing and exits 1 if anything is
#   lab.sh session-begin PID [WAIT]   claim the lab for process PID (capture.sh, LiveLabIT), waiting
#                             up to WAIT seconds (default 0) while another live process holds it
#   lab.sh session-end PID    release the claim of PID
#
# Sessions: the lab is one per host, and two users at once (a capture and a test run next door)
# would stop each other's conditions. capture.sh and LiveLabIT hold a session for their whole run;
# the claim is the directory $SESSION with the owner's pid, and a dead owner's claim is taken over.
#
# Must run as root. Network traffic only ever targets 127.0.0.1.
#
# Everything the lab creates is tagged, so stop-all finds it without state:
#   processes   environment variable TRIAGEBOT_LAB=<condition> AND membership of the cgroup
#               triagebot-lab/<condition> in a tracking hierarchy (cgroup2 if mounted, else v1 pids),
#               each condition in its own session / process group
#   cgroups     directory "triagebot-lab" directly under each cgroup mount (v1, v2 or hybrid)
#   swap        zram device with swap label "triagebot-lab" (mkswap -L), priority $SWAP_PRIO
#   nftables    table inet triagebot_lab
#   files       $STATE (default /run/triagebot-lab) and $SCRATCH (default /var/tmp/triagebot-lab)
#
# The one thing that CANNOT be undone: the kmsg condition (and the oom condition, whose OOM kills the
# kernel logs) leave lines in the kernel ring buffer. They stay until reboot; triagebot reports them as
# recent escalations for escalation.recent-seconds (1 hour) after they were written. Lab lines are
# tagged "triagebot-lab" (kmsg) or name the cgroup /triagebot-lab/oom (oom). Heavy conditions on a
# small, already loaded VM can also make the kernel log real complaints (seen here once: "BUG:
# workqueue lockup" while 2 x ncpu switch pairs and a neighbour's build shared 2 CPUs).
set -euo pipefail

readonly STATE=${TRIAGEBOT_LAB_STATE:-/run/triagebot-lab}
readonly SCRATCH=${TRIAGEBOT_LAB_SCRATCH:-/var/tmp/triagebot-lab}
readonly SESSION=${TRIAGEBOT_LAB_SESSION:-/run/triagebot-lab.session}
readonly CG_NAME=triagebot-lab
readonly NFT_TABLE=triagebot_lab
readonly SWAP_LABEL=triagebot-lab
readonly SWAP_PRIO=32000
# Below the ephemeral port range (32768-60999) so no client connection can be holding them.
readonly RETRANS_PORT=${TRIAGEBOT_LAB_RETRANS_PORT:-29471}
readonly LISTEN_PORT=${TRIAGEBOT_LAB_LISTEN_PORT:-29472}
# Bounded waits (seconds) for a condition to become visible, and a safety limit on every load
# generator so that nothing runs forever even if nobody calls stop.
readonly VISIBLE_TIMEOUT=${TRIAGEBOT_LAB_VISIBLE_TIMEOUT:-45}
readonly MAX_SECONDS=${TRIAGEBOT_LAB_MAX_SECONDS:-1800}
readonly PORTS_PORT=${TRIAGEBOT_LAB_PORTS_PORT:-29473}
# The narrow ephemeral range port-exhaustion sets (restored on stop): 64 ports.
readonly PORTS_RANGE="40000 40063"
readonly CONDITIONS=(cpu context-switch timer-irq futex sync-write swap-storm oom cpu-quota tcp-retrans
    listen-overflow pid-limit port-exhaustion freezer kmsg)

NCPU=$(nproc)
readonly NCPU

log() { echo "lab: $*" >&2; }
die() { echo "lab: ERROR: $*" >&2; exit 1; }

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    echo "conditions: ${CONDITIONS[*]}" >&2
    exit 2
}

is_condition() {
    local c
    for c in "${CONDITIONS[@]}"; do [[ $c == "$1" ]] && return 0; done
    return 1
}

need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root"; }

need_cmd() {
    local c
    for c in "$@"; do command -v "$c" >/dev/null 2>&1 || die "missing command: $c (apt-get install stress-ng nftables iperf3)"; done
}

# ---------------------------------------------------------------------------------------------------
# Counters
# ---------------------------------------------------------------------------------------------------
vmstat_value() { awk -v k="$1" '$1==k {print $2; f=1} END {if (!f) print 0}' /proc/vmstat; }
stat_value() { awk -v k="$1" '$1==k {print $2; f=1} END {if (!f) print 0}' /proc/stat; }
# snmp_value FILE GROUP FIELD: /proc/net/snmp and /proc/net/netstat have header/value line pairs.
snmp_value() {
    awk -v g="$2:" -v f="$3" '$1==g { if (!h) { for (i=2;i<=NF;i++) idx[$i]=i; h=1 } else { print $(idx[f]); exit } }' "$1"
}
# CPU busy share (percent, integer) of the whole machine over $1 seconds.
cpu_busy_percent() {
    local a b
    read -r -a a < <(grep '^cpu ' /proc/stat)
    sleep "$1"
    read -r -a b < <(grep '^cpu ' /proc/stat)
    local total=0 idle i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    idle=$((b[4] - a[4] + b[5] - a[5]))
    ((total > 0)) || { echo 0; return; }
    echo $(((total - idle) * 100 / total))
}
# rate_of "command printing one number" SECONDS -> delta per second (integer; whole seconds)
rate_of() {
    local a b
    a=$(eval "$1")
    sleep "$2"
    b=$(eval "$1")
    echo $(((b - a) / $2))
}

# await_visible DESCRIPTION CHECK_FUNCTION: retry the check (each takes ~1-2 s) until it passes or
# VISIBLE_TIMEOUT passes; fail loudly with the last measurement.
await_visible() {
    local what=$1 check=$2 deadline=$((SECONDS + VISIBLE_TIMEOUT)) out=""
    while ((SECONDS < deadline)); do
        if out=$($check 2>&1); then
            log "$what visible: $out"
            return 0
        fi
        sleep 0.5
    done
    die "$what NOT visible within ${VISIBLE_TIMEOUT}s (last check: ${out:-nothing})"
}

# ---------------------------------------------------------------------------------------------------
# cgroups: v1, v2 or hybrid, detected from /proc/self/mounts per controller
# ---------------------------------------------------------------------------------------------------
# cg_root CONTROLLER -> "VERSION MOUNTPOINT" of the hierarchy that has the controller, or fails.
# A v1 hierarchy with the controller wins (in a hybrid layout a controller bound to v1 is unavailable
# in cgroup2); otherwise a cgroup2 mount whose cgroup.controllers lists it.
cg_root() {
    local ctrl=$1 dev mnt type opts rest
    while read -r dev mnt type opts rest; do
        if [[ $type == cgroup && ,$opts, == *,$ctrl,* ]]; then
            echo "1 $mnt"
            return 0
        fi
    done </proc/self/mounts
    while read -r dev mnt type opts rest; do
        if [[ $type == cgroup2 ]] && grep -qw "$ctrl" "$mnt/cgroup.controllers" 2>/dev/null; then
            echo "2 $mnt"
            return 0
        fi
    done </proc/self/mounts
    return 1
}

# Every cgroup mount point (any version), one a line.
cg_mounts() { awk '$3=="cgroup" || $3=="cgroup2" {print $2}' /proc/self/mounts; }

cg_layout() {
    local v1 v2
    v1=$(awk '$3=="cgroup"' /proc/self/mounts | wc -l)
    v2=$(awk '$3=="cgroup2"' /proc/self/mounts | wc -l)
    if ((v1 > 0 && v2 > 0)); then echo hybrid; elif ((v2 > 0)); then echo v2; elif ((v1 > 0)); then echo v1; else echo none; fi
}

# cg_make CONTROLLER NAME -> prints the new cgroup directory ($mnt/triagebot-lab/NAME)
cg_make() {
    local ctrl=$1 name=$2 version mnt
    read -r version mnt < <(cg_root "$ctrl") || die "no cgroup hierarchy offers the $ctrl controller (layout $(cg_layout))"
    local parent=$mnt/$CG_NAME dir=$mnt/$CG_NAME/$name
    mkdir -p "$parent"
    if [[ $version == 2 ]]; then
        # Enable the controller for our subtree (the root usually has it already).
        grep -qw "$ctrl" "$mnt/cgroup.subtree_control" || echo "+$ctrl" >"$mnt/cgroup.subtree_control"
        grep -qw "$ctrl" "$parent/cgroup.subtree_control" || echo "+$ctrl" >"$parent/cgroup.subtree_control"
    fi
    mkdir -p "$dir"
    echo "$dir"
}

cg_version_of() { # DIR -> 1 or 2
    if [[ -e $1/cgroup.controllers ]]; then echo 2; else echo 1; fi
}

# Kill everything in a cgroup directory tree, then remove it (deepest first).
cg_destroy() {
    local top=$1 d tries
    [[ -d $top ]] || return 0
    for tries in $(seq 1 50); do
        local pids
        pids=$(find "$top" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
        [[ -z $pids ]] && break
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
        sleep 0.1
    done
    for tries in $(seq 1 50); do
        while read -r d; do rmdir "$d" 2>/dev/null || true; done < <(find "$top" -depth -type d)
        [[ -d $top ]] || return 0
        sleep 0.1
    done
    [[ ! -d $top ]] || die "could not remove cgroup $top (still holds: $(find "$top" -name cgroup.procs -exec cat {} + 2>/dev/null | tr '\n' ' '))"
}

# ---------------------------------------------------------------------------------------------------
# Tagged processes
# ---------------------------------------------------------------------------------------------------
# Two independent tags, because either alone can fail:
#  - the environment variable TRIAGEBOT_LAB=<condition>, inherited by every child (but stress-ng
#    overwrites its children's argv/environ area to set their titles, so their environ loses it);
#  - a cgroup: every lab process is placed in $mnt/triagebot-lab/<condition> of a "tracking"
#    hierarchy (the cgroup2 mount when there is one, else a v1 one), before exec, so every child is
#    in it too. Conditions with resource limits also sit in the controller's cgroup.
# tagged_pids [CONDITION]: pids carrying either tag (any condition when none is given).
tagged_pids() {
    local cond=${1:-} mnt
    {
        grep -lzxs -- "TRIAGEBOT_LAB=${cond:-.*}" /proc/[0-9]*/environ 2>/dev/null | awk -F/ '{print $3}' || true
        while read -r mnt; do
            [[ -d $mnt/$CG_NAME${cond:+/$cond} ]] || continue
            find "$mnt/$CG_NAME${cond:+/$cond}" -name cgroup.procs -exec cat {} + 2>/dev/null || true
        done < <(cg_mounts)
    } | awk -v self=$$ '$1 != self && $1 != "" && !seen[$1]++'
}

# The hierarchy every lab process is tracked in: cgroup2 if mounted (v2 or hybrid), else pids/cpu/any v1.
track_root() {
    local mnt
    mnt=$(awk '$3=="cgroup2" {print $2; exit}' /proc/self/mounts)
    if [[ -z $mnt ]]; then
        mnt=$(awk '$3=="cgroup" && $4 ~ /(^|,)pids(,|$)/ {print $2; exit}' /proc/self/mounts)
    fi
    if [[ -z $mnt ]]; then
        mnt=$(awk '$3=="cgroup" {print $2; exit}' /proc/self/mounts)
    fi
    [[ -n $mnt ]] || die "no cgroup filesystem mounted"
    echo "$mnt"
}

# track_dir CONDITION -> the condition's tracking cgroup (created)
track_dir() {
    local dir
    dir=$(track_root)/$CG_NAME/$1
    mkdir -p "$dir"
    echo "$dir"
}

# spawn CONDITION NAME "CGROUP_DIRS" COMMAND...: start COMMAND in its own session, tagged, with its
# pid in $STATE/CONDITION/NAME.pid and its output in NAME.log; placed in the cgroups (before exec, so
# every child is inside too).
spawn() {
    local cond=$1 name=$2 cgroups=$3
    shift 3
    local dir=$STATE/$cond track
    mkdir -p "$dir"
    rm -f "$dir/$name.pid"
    track=$(track_dir "$cond")
    [[ " $cgroups " == *" $track "* ]] || cgroups="$cgroups $track"
    TRIAGEBOT_LAB=$cond setsid bash -c '
        pidfile=$1; cgroups=$2; shift 2
        for cg in $cgroups; do echo $$ > "$cg/cgroup.procs"; done
        echo $$ > "$pidfile"
        exec "$@"' triagebot-lab-spawn "$dir/$name.pid" "$cgroups" "$@" </dev/null >>"$dir/$name.log" 2>&1 &
    local i
    for i in $(seq 1 100); do
        [[ -s $dir/$name.pid ]] && return 0
        sleep 0.05
    done
    die "$cond: $name did not start (log: $(tail -3 "$dir/$name.log" 2>/dev/null))"
}

pid_alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# Are all the processes this condition spawned still running?
spawned_alive() {
    local cond=$1 f any=1
    for f in "$STATE/$cond"/*.pid; do
        [[ -e $f ]] || return 1
        pid_alive "$(cat "$f")" || return 1
        any=0
    done
    return $any
}

# Stop a condition's processes: TERM to each process group, then KILL whatever still carries the tag.
kill_condition_processes() {
    local cond=$1 f pid i pids
    for f in "$STATE/$cond"/*.pid; do
        [[ -e $f ]] || continue
        pid=$(cat "$f")
        [[ -n $pid ]] && kill -TERM -- "-$pid" 2>/dev/null || true
    done
    pids=$(tagged_pids "$cond")
    # shellcheck disable=SC2086
    [[ -n $pids ]] && kill -TERM $pids 2>/dev/null || true
    for i in $(seq 1 50); do
        pids=$(tagged_pids "$cond")
        [[ -z $pids ]] && return 0
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    for i in $(seq 1 30); do
        pids=$(tagged_pids "$cond")
        [[ -z $pids ]] && return 0
        sleep 0.1
    done
    die "$cond: processes survive SIGKILL: $pids"
}

# Record the exact commands and parameters of a condition (lab.sh how; capture.sh provenance).
record_how() {
    local cond=$1
    shift
    echo "$*" >"$STATE/$cond/how.tmp" && mv "$STATE/$cond/how.tmp" "$STATE/$cond/how"
}

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

# ---------------------------------------------------------------------------------------------------
# Conditions: each has start_X (induce), visible_X (one measurement; exit 0 when visible, printing the
# numbers) and optionally cleanup_X (undo non-process state; must be safe without state).
# ---------------------------------------------------------------------------------------------------

# cpu: 2 x ncpu CPU hogs.
start_cpu() {
    local n=$((2 * NCPU))
    spawn cpu stress "" stress-ng --cpu "$n" --cpu-method matrixprod --timeout "$MAX_SECONDS"
    record_how cpu "stress-ng --cpu $n --cpu-method matrixprod (2 x $NCPU CPUs)"
}
visible_cpu() {
    local busy run
    busy=$(cpu_busy_percent 1)
    run=$(stat_value procs_running)
    echo "CPU ${busy}% busy, procs_running $run"
    ((busy >= 90))
}

# context-switch: stress-ng switch stressors ping-pong messages through pipes (one pair per CPU:
# ~1,000,000 switches/s per CPU, mostly system time). Twice as many pairs starved kernel workers on a
# loaded 2-CPU VM long enough for "BUG: workqueue lockup" and made everything else crawl.
start_context-switch() {
    local n=$NCPU
    spawn context-switch stress "" stress-ng --switch "$n" --timeout "$MAX_SECONDS"
    record_how context-switch "stress-ng --switch $n (pipe ping-pong, one pair per CPU)"
}
visible_context-switch() {
    local r
    r=$(rate_of "stat_value ctxt" 1)
    echo "ctxt ${r}/s"
    ((r >= 20000 * NCPU))
}

# timer-irq: high-frequency POSIX timers on every CPU -> local timer interrupts (LOC).
start_timer-irq() {
    spawn timer-irq stress "" stress-ng --timer "$NCPU" --timer-freq 1000000 --timeout "$MAX_SECONDS"
    record_how timer-irq "stress-ng --timer $NCPU --timer-freq 1000000"
}
visible_timer-irq() {
    local r
    r=$(rate_of "stat_value intr" 1)
    echo "interrupts ${r}/s"
    ((r >= 20000 * NCPU))
}

# futex: stress-ng futex waiters/wakers (single-threaded processes, half of them parked in
# futex_wait), plus one multi-threaded process whose 32 threads queue on one lock held across a short
# sleep: many threads of one process on the same futex wchan in both samples, as a real convoy.
readonly CONVOY_PY='
import sys, threading, time
threads_n, deadline = int(sys.argv[1]), time.time() + float(sys.argv[2])
lock = threading.Lock()
def worker():
    while time.time() < deadline:
        with lock:            # everyone else queues on this lock (futex wait)
            time.sleep(0.0005)
for _ in range(threads_n):
    threading.Thread(target=worker, daemon=True).start()
while time.time() < deadline:
    time.sleep(1)
'
start_futex() {
    local n=$((2 * NCPU))
    spawn futex stress "" stress-ng --futex "$n" --timeout "$MAX_SECONDS"
    spawn futex convoy "" python3 -c "$CONVOY_PY" 32 "$MAX_SECONDS"
    record_how futex "stress-ng --futex $n; python3 convoy: 32 threads of one process contending one threading.Lock held across time.sleep(0.0005)"
}
visible_futex() {
    local waiting r
    # wchan files have no trailing newline: one read per file
    waiting=$(for f in $(for p in $(tagged_pids futex); do echo /proc/"$p"/task/*/wchan; done); do
        cat "$f" 2>/dev/null; echo; done | grep -c '^futex' || true)
    r=$(rate_of "stat_value ctxt" 1)
    echo "$waiting lab threads on a futex wchan, ctxt ${r}/s"
    ((waiting >= 16 && r >= 20000))
}

# sync-write: O_SYNC/O_DSYNC writes into a scratch directory on the real disk, 64 MiB per worker.
sync_device() { # the /sys/block name of the device holding $SCRATCH
    local src dev
    src=$(df --output=source "$SCRATCH" | tail -1)
    dev=$(basename "$(readlink -f "$src")")
    if [[ ! -e /sys/block/$dev ]]; then
        dev=$(basename "$(dirname "$(readlink -f /sys/class/block/"$dev")")")
    fi
    echo "$dev"
}
start_sync-write() {
    local n=$((2 * NCPU))
    mkdir -p "$SCRATCH/sync-write"
    spawn sync-write stress "" stress-ng --hdd "$n" --hdd-opts sync,dsync,wr-seq --hdd-bytes 64M \
        --hdd-write-size 4K --temp-path "$SCRATCH/sync-write" --timeout "$MAX_SECONDS"
    record_how sync-write "stress-ng --hdd $n --hdd-opts sync,dsync,wr-seq --hdd-bytes 64M --hdd-write-size 4K --temp-path $SCRATCH/sync-write (device $(sync_device))"
}
visible_sync-write() {
    local dev w
    dev=$(sync_device)
    w=$(rate_of "awk '{print \$5}' /sys/block/$dev/stat" 1)
    echo "$dev writes ${w}/s"
    ((w >= 500))
}
cleanup_sync-write() { rm -rf "$SCRATCH/sync-write"; rmdir "$SCRATCH" 2>/dev/null || true; }

# swap-storm: zram swap + a memory cgroup limited to 256 MiB (swap allowed) whose process keeps a
# 768 MiB working set and rewrites one byte of every page in turn, at a bounded rate: pages go out to
# swap and come back in all the time (a swap death spiral, contained in one cgroup).
# Why not "stress-ng --vm 1 --vm-bytes 768M --vm-keep"? Measured on kernel 6.18 with cgroup v1 and
# zram: at full speed the memcg's reclaim cannot keep up and the cgroup OOM-kills the worker every
# ~4 s (every --vm-method tried), so the capture would be an oom-kill, not a swap storm. Rate-limited
# (50,000 pages/s, ~200 MB/s each way), the group swaps continuously and nothing is killed.
readonly THRASH_PY='
import mmap, sys, time
size_mb, rate, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
buf = mmap.mmap(-1, size_mb << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
pages, chunk, i, value, end = (size_mb << 20) // 4096, max(1, rate // 100), 0, 0, time.time() + seconds
while time.time() < end:
    t0 = time.time()
    for _ in range(chunk):               # dirty one byte of each page in turn: every page cycles
        buf[(i % pages) * 4096] = value  # through swap-out and swap-in
        i += 1
    value = (value + 1) & 0xff
    pause = 0.01 - (time.time() - t0)
    if pause > 0:
        time.sleep(pause)
'
zram_pick() {
    local dev
    if [[ -e /sys/block/zram0 ]] && [[ $(cat /sys/block/zram0/disksize) == 0 ]] && ! grep -q '^/dev/zram0 ' /proc/swaps; then
        echo "zram0 reused"
        return 0
    fi
    [[ -e /sys/class/zram-control/hot_add ]] || { modprobe zram 2>/dev/null || true; }
    if [[ -e /sys/class/zram-control/hot_add ]]; then
        dev=zram$(cat /sys/class/zram-control/hot_add)
        echo "$dev added"
        return 0
    fi
    return 1
}
start_swap-storm() {
    need_cmd mkswap swapon swapoff
    local dev how
    read -r dev how < <(zram_pick) || die "swap-storm: no free zram device (no /sys/block/zram0, no zram-control)"
    echo "$dev $how" >"$STATE/swap-storm/zram"
    echo 2G >"/sys/block/$dev/disksize"
    mkswap -L "$SWAP_LABEL" "/dev/$dev" >/dev/null
    swapon -p "$SWAP_PRIO" "/dev/$dev"
    local mem v
    mem=$(cg_make memory swap-storm)
    v=$(cg_version_of "$mem")
    if [[ $v == 1 ]]; then
        echo 256M >"$mem/memory.limit_in_bytes"
        # memsw stays unlimited: the group may swap as much as it likes
    else
        echo 256M >"$mem/memory.max"
        echo 2G >"$mem/memory.swap.max"
    fi
    spawn swap-storm thrash "$mem" python3 -c "$THRASH_PY" 768 50000 "$MAX_SECONDS"
    record_how swap-storm "zram $dev ($how) disksize 2G, mkswap -L $SWAP_LABEL, swapon -p $SWAP_PRIO; memory cgroup v$v ${mem} limit 256M$([[ $v == 1 ]] && echo ', memsw unlimited' || echo ', memory.swap.max 2G'); python3 thrasher (lab.sh THRASH_PY): 768 MiB anonymous mapping, one byte of every page rewritten in turn at 50000 pages/s"
}
visible_swap-storm() {
    local i1 o1 i2 o2
    i1=$(vmstat_value pswpin); o1=$(vmstat_value pswpout)
    sleep 1
    i2=$(vmstat_value pswpin); o2=$(vmstat_value pswpout)
    echo "pswpin $((i2 - i1))/s pswpout $((o2 - o1))/s"
    ((i2 - i1 >= 1000 && o2 - o1 >= 1000))
}
cleanup_swap-storm() {
    local dev how line
    # Every swap device labelled as ours, with or without state.
    while read -r line; do
        dev=${line%% *}
        if [[ $dev == /dev/zram* ]] && [[ $(blkid -o value -s LABEL "$dev" 2>/dev/null || true) == "$SWAP_LABEL" ]]; then
            swapoff "$dev"
            echo 1 >"/sys/block/${dev#/dev/}/reset"
        fi
    done < <(tail -n +2 /proc/swaps)
    if [[ -s $STATE/swap-storm/zram ]]; then
        read -r dev how <"$STATE/swap-storm/zram"
        if grep -q "^/dev/$dev " /proc/swaps; then swapoff "/dev/$dev"; fi
        if [[ -e /sys/block/$dev ]]; then
            local i
            for i in $(seq 1 20); do echo 1 >"/sys/block/$dev/reset" 2>/dev/null && break; sleep 0.2; done
            if [[ $how == added ]]; then echo "${dev#zram}" >/sys/class/zram-control/hot_remove; fi
        fi
    fi
}

# oom: a 64 MiB memory cgroup without swap in which stress-ng asks for 256 MiB; the kernel OOM-kills
# the worker, stress-ng respawns it, so oom_kill rises for as long as it runs.
start_oom() {
    local mem v
    mem=$(cg_make memory oom)
    v=$(cg_version_of "$mem")
    if [[ $v == 1 ]]; then
        echo 64M >"$mem/memory.limit_in_bytes"
        [[ -e $mem/memory.memsw.limit_in_bytes ]] && echo 64M >"$mem/memory.memsw.limit_in_bytes" || true
    else
        echo 64M >"$mem/memory.max"
        [[ -e $mem/memory.swap.max ]] && echo 0 >"$mem/memory.swap.max" || true
    fi
    spawn oom stress "$mem" stress-ng --vm 1 --vm-bytes 256M --vm-keep --timeout "$MAX_SECONDS"
    record_how oom "memory cgroup v$v $mem limit 64M, no swap; stress-ng --vm 1 --vm-bytes 256M --vm-keep (OOM-killed and respawned)"
}
visible_oom() {
    local a b
    a=$(vmstat_value oom_kill)
    sleep 2
    b=$(vmstat_value oom_kill)
    echo "oom_kill +$((b - a)) in 2 s"
    ((b > a))
}

# cpu-quota: a CPU cgroup capped at 0.2 CPU running 2 CPU hogs: throttled nearly every period.
start_cpu-quota() {
    local cpu v
    cpu=$(cg_make cpu cpu-quota)
    v=$(cg_version_of "$cpu")
    if [[ $v == 1 ]]; then
        echo 100000 >"$cpu/cpu.cfs_period_us"
        echo 20000 >"$cpu/cpu.cfs_quota_us"
    else
        echo "20000 100000" >"$cpu/cpu.max"
    fi
    spawn cpu-quota stress "$cpu" stress-ng --cpu 2 --cpu-method matrixprod --timeout "$MAX_SECONDS"
    record_how cpu-quota "cpu cgroup v$v $cpu quota 20000/100000 us (0.2 CPU); stress-ng --cpu 2 --cpu-method matrixprod"
}
cpu_quota_throttled() { awk '$1=="nr_throttled" {print $2}' "$(cg_root cpu | cut -d' ' -f2)/$CG_NAME/cpu-quota/cpu.stat"; }
visible_cpu-quota() {
    local r
    r=$(rate_of cpu_quota_throttled 1)
    echo "nr_throttled +${r}/s"
    ((r >= 3))
}

# tcp-retrans: iperf3 over loopback with nftables dropping ~5% of the test's packets at random. Four
# parallel streams: one stream alone can sit in retransmission-timeout backoff for a whole sampling
# window and send too few segments for a ratio to mean anything.
start_tcp-retrans() {
    need_cmd nft iperf3
    local port=$RETRANS_PORT
    port_free "$port" || die "tcp-retrans: port $port already has a listener"
    nft delete table inet "$NFT_TABLE" 2>/dev/null || true
    nft -f - <<EOF
table inet $NFT_TABLE {
    comment "triagebot-lab: drops ~5% of loopback packets of port $port"
    chain input {
        type filter hook input priority filter; policy accept;
        iifname "lo" tcp dport $port numgen random mod 100 < 5 counter drop
        iifname "lo" tcp sport $port numgen random mod 100 < 5 counter drop
    }
}
EOF
    spawn tcp-retrans server "" iperf3 -s -1 -B 127.0.0.1 -p "$port"
    local i
    for i in $(seq 1 50); do port_free "$port" || break; sleep 0.1; done
    port_free "$port" && die "tcp-retrans: iperf3 server did not listen on 127.0.0.1:$port"
    spawn tcp-retrans client "" iperf3 -c 127.0.0.1 -p "$port" -t "$MAX_SECONDS" -b 500M -P 4
    record_how tcp-retrans "nft table inet $NFT_TABLE: iifname lo tcp dport/sport $port numgen random mod 100 < 5 drop; iperf3 -s -1 -B 127.0.0.1 -p $port; iperf3 -c 127.0.0.1 -p $port -t $MAX_SECONDS -b 500M -P 4"
}
visible_tcp-retrans() {
    local r1 o1 r2 o2
    r1=$(snmp_value /proc/net/snmp Tcp RetransSegs); o1=$(snmp_value /proc/net/snmp Tcp OutSegs)
    sleep 1
    r2=$(snmp_value /proc/net/snmp Tcp RetransSegs); o2=$(snmp_value /proc/net/snmp Tcp OutSegs)
    echo "RetransSegs +$((r2 - r1))/s of OutSegs +$((o2 - o1))/s"
    ((r2 - r1 >= 20 && (r2 - r1) * 100 >= (o2 - o1)))
}
cleanup_tcp-retrans() { nft delete table inet "$NFT_TABLE" 2>/dev/null || true; }

# listen-overflow: a listener with backlog 1 that never accepts, and a client opening ~200
# connections/s to it: once its accept queue is full every SYN counts in ListenOverflows.
readonly LISTENER_PY='
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)                     # backlog 1, and accept() is never called
time.sleep(float(sys.argv[2]))
'
readonly CLIENT_PY='
import collections, socket, sys, time
port, deadline = int(sys.argv[1]), time.time() + float(sys.argv[2])
pending = collections.deque()
while time.time() < deadline:
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except OSError:
        pass
    pending.append((time.time(), c))
    while pending and (len(pending) > 200 or time.time() - pending[0][0] > 1.0):
        pending.popleft()[1].close()
    time.sleep(0.005)
'
start_listen-overflow() {
    local port=$LISTEN_PORT
    port_free "$port" || die "listen-overflow: port $port already has a listener"
    spawn listen-overflow listener "" python3 -c "$LISTENER_PY" "$port" "$MAX_SECONDS"
    local i
    for i in $(seq 1 50); do port_free "$port" || break; sleep 0.1; done
    port_free "$port" && die "listen-overflow: listener did not come up on 127.0.0.1:$port"
    spawn listen-overflow client "" python3 -c "$CLIENT_PY" "$port" "$MAX_SECONDS"
    record_how listen-overflow "python3 listener on 127.0.0.1:$port with listen(1), never accepts; python3 client: non-blocking connect() every 5 ms, each socket closed after 1 s"
}
visible_listen-overflow() {
    local r
    r=$(rate_of "snmp_value /proc/net/netstat TcpExt ListenOverflows" 1)
    echo "ListenOverflows +${r}/s on port $LISTEN_PORT"
    ((r >= 10))
}

# pid-limit: a pids cgroup limited to 16 tasks in which python3 forks sleepers until fork() fails with
# EAGAIN, then keeps trying every 50 ms: pids.events "max" rises for as long as it runs, and the kernel
# logs "cgroup: fork rejected by pids controller in /triagebot-lab/pid-limit" (once per cgroup).
readonly FORKER_PY='
import os, sys, time
deadline = time.time() + float(sys.argv[1])
while time.time() < deadline:
    try:
        if os.fork() == 0:
            time.sleep(max(1.0, deadline - time.time()))
            os._exit(0)
    except OSError:
        time.sleep(0.05)
'
start_pid-limit() {
    local pids v
    pids=$(cg_make pids pid-limit)
    v=$(cg_version_of "$pids")
    echo 16 >"$pids/pids.max"
    spawn pid-limit forker "$pids" python3 -c "$FORKER_PY" "$MAX_SECONDS"
    record_how pid-limit "pids cgroup v$v $pids pids.max 16; python3 forker: os.fork() sleepers until EAGAIN, then retries every 50 ms"
}
pid_limit_rejected() { awk '$1=="max" {print $2}' "$(cg_root pids | cut -d' ' -f2)/$CG_NAME/pid-limit/pids.events"; }
visible_pid-limit() {
    local r
    r=$(rate_of pid_limit_rejected 1)
    echo "pids.events max +${r}/s"
    ((r >= 3))
}

# port-exhaustion: net.ipv4.ip_local_port_range narrowed to 64 ports (the old value is saved and restored
# on stop), a python3 listener on 127.0.0.1:$PORTS_PORT that accepts and holds every connection, and a
# client that connects until connect() fails with EADDRNOTAVAIL, holds them and retries every 200 ms.
readonly HOLDER_PY='
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1024)
held = []
deadline = time.time() + float(sys.argv[2])
s.settimeout(1.0)
while time.time() < deadline:
    try:
        held.append(s.accept()[0])
    except socket.timeout:
        pass
'
readonly CONNECTOR_PY='
import errno, socket, sys, time
port = int(sys.argv[1]); deadline = time.time() + float(sys.argv[2])
held = []; said = False
while time.time() < deadline:
    c = socket.socket()
    try:
        c.connect(("127.0.0.1", port)); held.append(c)
    except OSError as e:
        c.close()
        if e.errno == errno.EADDRNOTAVAIL and not said:
            print("EADDRNOTAVAIL after", len(held), "connections", flush=True); said = True
        time.sleep(0.2)
'
start_port-exhaustion() {
    local port=$PORTS_PORT i
    port_free "$port" || die "port-exhaustion: port $port already has a listener"
    sysctl -n net.ipv4.ip_local_port_range | tr '\t' ' ' >"$STATE/port-exhaustion/old-range"
    spawn port-exhaustion listener "" python3 -c "$HOLDER_PY" "$port" "$MAX_SECONDS"
    for i in $(seq 1 50); do port_free "$port" || break; sleep 0.1; done
    port_free "$port" && die "port-exhaustion: listener did not come up on 127.0.0.1:$port"
    sysctl -q -w net.ipv4.ip_local_port_range="$PORTS_RANGE"
    spawn port-exhaustion client "" python3 -c "$CONNECTOR_PY" "$port" "$MAX_SECONDS"
    record_how port-exhaustion "sysctl net.ipv4.ip_local_port_range=$PORTS_RANGE (was $(cat "$STATE/port-exhaustion/old-range"), restored on stop); python3 listener on 127.0.0.1:$port accepting and holding; python3 client connecting until EADDRNOTAVAIL, holding, retrying every 200 ms"
}
visible_port-exhaustion() {
    local n
    n=$(ss -Htn state established "dport = :$PORTS_PORT" | wc -l)
    echo "$n connections to 127.0.0.1:$PORTS_PORT; $(cat "$STATE/port-exhaustion/client.log" 2>/dev/null)"
    grep -q EADDRNOTAVAIL "$STATE/port-exhaustion/client.log" 2>/dev/null
}
cleanup_port-exhaustion() {
    local old
    old=$(cat "$STATE/port-exhaustion/old-range" 2>/dev/null || true)
    if [[ -n $old ]]; then
        sysctl -q -w net.ipv4.ip_local_port_range="$old"
    elif [[ $(sysctl -n net.ipv4.ip_local_port_range | tr '\t' ' ') == "$PORTS_RANGE" ]]; then
        # The saved value is gone but the lab's range is set: restore the kernel's default.
        sysctl -q -w net.ipv4.ip_local_port_range="32768 60999"
    fi
}

# freezer: 16 sleepers in a v1 freezer cgroup (cgroup.freeze on v2) set to FROZEN: 16 tasks in
# uninterruptible sleep (wchan __refrigerator) with no I/O and idle CPUs, load rising towards 16.
# They are thawed before stop kills them (a frozen task cannot act on SIGKILL).
start_freezer() {
    local fz v
    fz=$(cg_make freezer freezer)
    v=$(cg_version_of "$fz")
    spawn freezer sleepers "$fz" bash -c 'for i in $(seq 1 15); do sleep "$1" & done; wait' triagebot-lab-sleepers "$MAX_SECONDS"
    local i
    for i in $(seq 1 50); do (($(wc -l <"$fz/cgroup.procs") >= 16)) && break; sleep 0.1; done
    if [[ $v == 1 ]]; then echo FROZEN >"$fz/freezer.state"; else echo 1 >"$fz/cgroup.freeze"; fi
    record_how freezer "freezer cgroup v$v $fz: bash with 15 sleep children (16 tasks), frozen (v1 freezer.state FROZEN / v2 cgroup.freeze 1)"
}
visible_freezer() {
    local fz n=0 pid
    fz=$(cg_root freezer | cut -d' ' -f2)/$CG_NAME/freezer
    while read -r pid; do
        [[ $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) == D ]] && n=$((n + 1))
    done <"$fz/cgroup.procs"
    echo "$n tasks in D state in $fz"
    ((n >= 16))
}
prestop_freezer() {
    local fz mnt
    while read -r mnt; do
        fz=$mnt/$CG_NAME/freezer
        [[ -e $fz/freezer.state ]] && echo THAWED >"$fz/freezer.state" 2>/dev/null || true
        [[ -e $fz/cgroup.freeze ]] && echo 0 >"$fz/cgroup.freeze" 2>/dev/null || true
    done < <(cg_mounts)
    return 0
}

# kmsg: escalation trigger lines written to /dev/kmsg, tagged "triagebot-lab" with a per-run id, and
# two lines of one warning no trigger knows (listed under other kernel warnings, count 2).
# They CANNOT be removed: they stay in the ring buffer until reboot, and triagebot reports them as
# recent escalations for one hour (escalation.recent-seconds). stop has nothing to undo.
kmsg_lines() {
    local id=$1
    cat <<EOF
<4>watchdog: BUG: soft lockup - CPU#1 stuck for 23s! [triagebot-lab:$id]
<3>INFO: task triagebot-lab:$id blocked for more than 120 seconds.
<3>rcu: INFO: rcu_sched self-detected stall on CPU [triagebot-lab:$id]
<3>Out of memory: Killed process $id (triagebot-lab) total-vm:1048576kB, anon-rss:524288kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1100kB oom_score_adj:0
<4>nvme nvme0: I/O 12 QID 3 timeout, aborting [triagebot-lab:$id]
<3>irq 19: nobody cared (try booting with the "irqpoll" option) [triagebot-lab:$id]
<4>neighbour: arp_cache: neighbor table overflow! [triagebot-lab:$id]
<4>clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' as unstable because the skew is too large: [triagebot-lab:$id]
<4>net_ratelimit: 42 callbacks suppressed [triagebot-lab:$id]
<4>triagebot-lab: unknown warning on queue 3 [triagebot-lab:$id]
<4>triagebot-lab: unknown warning on queue 7 [triagebot-lab:$id]
EOF
}
start_kmsg() {
    local id=$$ line
    mkdir -p "$STATE/kmsg"
    echo "$id" >"$STATE/kmsg/id"
    while IFS= read -r line; do
        # one open per line: /dev/kmsg rate-limits per open file
        printf '%s\n' "$line" >/dev/kmsg
    done < <(kmsg_lines "$id")
    record_how kmsg "printf LINE > /dev/kmsg for: $(kmsg_lines "$id" | tr '\n' '|' | sed 's/|$//')"
}
visible_kmsg() {
    local id n
    id=$(cat "$STATE/kmsg/id")
    n=$(dmesg | grep -c -e "triagebot-lab:$id" -e "process $id (triagebot-lab)" || true)
    echo "$n tagged kernel log lines (id $id)"
    ((n >= 11))
}

# ---------------------------------------------------------------------------------------------------
# Generic start / stop
# ---------------------------------------------------------------------------------------------------
# Conditions with no long-running processes (kmsg) are "running" once their state dir exists.
condition_running() {
    local cond=$1
    [[ -d $STATE/$cond ]] || return 1
    case $cond in
        kmsg) [[ -s $STATE/kmsg/id ]] ;;
        *) spawned_alive "$cond" ;;
    esac
}

start_condition() {
    local cond=$1
    need_cmd stress-ng python3 setsid ss
    if condition_running "$cond" && "visible_$cond" >/dev/null 2>&1; then
        log "$cond already running and visible"
        return 0
    fi
    if [[ -d $STATE/$cond ]]; then
        log "$cond: stale state, cleaning up first"
        stop_condition "$cond"
    fi
    mkdir -p "$STATE/$cond"
    date -u +%Y-%m-%dT%H:%M:%SZ >"$STATE/$cond/started"
    log "starting $cond"
    if ! ("start_$cond"); then
        log "$cond: start failed, cleaning up"
        stop_condition "$cond" || true
        exit 1
    fi
    if ! (await_visible "$cond" "visible_$cond"); then
        log "$cond: not visible; logs:"
        tail -n 5 "$STATE/$cond"/*.log >&2 2>/dev/null || true
        stop_condition "$cond" || true
        exit 1
    fi
    # A condition whose generator died right after becoming visible is not running.
    [[ $cond == kmsg ]] || spawned_alive "$cond" || { stop_condition "$cond" || true; die "$cond: a load generator exited"; }
}

stop_condition() {
    local cond=$1
    if declare -F "prestop_$cond" >/dev/null; then "prestop_$cond"; fi
    kill_condition_processes "$cond"
    if declare -F "cleanup_$cond" >/dev/null; then "cleanup_$cond"; fi
    local mnt
    while read -r mnt; do cg_destroy "$mnt/$CG_NAME/$cond"; done < <(cg_mounts)
    while read -r mnt; do rmdir "$mnt/$CG_NAME" 2>/dev/null || true; done < <(cg_mounts)
    rm -rf "${STATE:?}/$cond"
    rmdir "$STATE" 2>/dev/null || true
    local left
    left=$(leftovers "$cond")
    [[ -z $left ]] || die "$cond: still present after stop: $left"
    log "stopped $cond"
}

# What of the lab is still present (for one condition, or everything), one item a line.
leftovers() {
    local cond=${1:-} pids mnt line dev
    pids=$(tagged_pids "$cond" | tr '\n' ' ')
    [[ -n ${pids// /} ]] && echo "processes tagged TRIAGEBOT_LAB${cond:+=$cond}: $pids"
    while read -r mnt; do
        if [[ -n $cond ]]; then
            [[ -d $mnt/$CG_NAME/$cond ]] && echo "cgroup $mnt/$CG_NAME/$cond"
        else
            [[ -d $mnt/$CG_NAME ]] && echo "cgroup $mnt/$CG_NAME"
        fi
    done < <(cg_mounts)
    if [[ -z $cond || $cond == swap-storm ]]; then
        while read -r line; do
            dev=${line%% *}
            [[ $(blkid -o value -s LABEL "$dev" 2>/dev/null || true) == "$SWAP_LABEL" ]] && echo "swap $dev"
        done < <(tail -n +2 /proc/swaps)
    fi
    if [[ -z $cond || $cond == tcp-retrans ]]; then
        nft list table inet "$NFT_TABLE" >/dev/null 2>&1 && echo "nft table inet $NFT_TABLE"
    fi
    if [[ -z $cond || $cond == port-exhaustion ]]; then
        [[ $(sysctl -n net.ipv4.ip_local_port_range | tr '\t' ' ') == "$PORTS_RANGE" ]] \
            && echo "net.ipv4.ip_local_port_range still $PORTS_RANGE"
    fi
    if [[ -z $cond || $cond == sync-write ]]; then
        [[ -e $SCRATCH/sync-write ]] && echo "directory $SCRATCH/sync-write"
    fi
    if [[ -z $cond ]]; then
        [[ -e $SCRATCH ]] && echo "directory $SCRATCH"
        [[ -e $STATE ]] && echo "directory $STATE"
    else
        [[ -e $STATE/$cond ]] && echo "directory $STATE/$cond"
    fi
    return 0
}

stop_all() {
    local cond mnt failed=0
    for cond in "${CONDITIONS[@]}"; do
        (stop_condition "$cond") || failed=1
    done
    # Anything tagged by a condition name this version does not know, and any other lab cgroup.
    prestop_freezer
    cleanup_port-exhaustion
    local pids
    pids=$(tagged_pids)
    # shellcheck disable=SC2086
    [[ -n $pids ]] && { kill -KILL $pids 2>/dev/null || true; sleep 0.2; }
    while read -r mnt; do cg_destroy "$mnt/$CG_NAME"; done < <(cg_mounts)
    cleanup_swap-storm
    cleanup_tcp-retrans
    rm -rf "${SCRATCH:?}" "${STATE:?}"
    local left
    left=$(leftovers)
    if [[ -n $left ]]; then
        die "stop-all: still present: $left"
    fi
    ((failed == 0)) || die "stop-all: some conditions reported errors (see above), but nothing is left"
    log "stop-all: nothing of the lab is left"
}

list() {
    local cond state
    printf '%-16s %s\n' CONDITION STATE
    for cond in "${CONDITIONS[@]}"; do
        if condition_running "$cond"; then state="running since $(cat "$STATE/$cond/started" 2>/dev/null)"
        elif [[ -d $STATE/$cond ]]; then state="STALE (run lab.sh stop $cond)"
        else state=stopped; fi
        printf '%-16s %s\n' "$cond" "$state"
    done
    local left
    left=$(leftovers)
    echo "cgroup layout: $(cg_layout); ports: tcp-retrans $RETRANS_PORT, listen-overflow $LISTEN_PORT"
    if [[ -n $left ]]; then echo "present:"; echo "$left" | sed 's/^/  /'; else echo "present: nothing"; fi
}

preflight() {
    local missing=() c
    [[ $(id -u) -eq 0 ]] || missing+=("root (running as uid $(id -u))")
    for c in stress-ng python3 nft iperf3 setsid ss mkswap swapon swapoff blkid dmesg df; do
        command -v "$c" >/dev/null 2>&1 || missing+=("command $c")
    done
    cg_root cpu >/dev/null || missing+=("a cgroup hierarchy with the cpu controller")
    cg_root memory >/dev/null || missing+=("a cgroup hierarchy with the memory controller")
    [[ -e /sys/block/zram0 || -e /sys/class/zram-control/hot_add ]] || modinfo zram >/dev/null 2>&1 ||
        missing+=("zram (no /sys/block/zram0, no zram-control, no zram module)")
    [[ -w /dev/kmsg ]] || missing+=("writable /dev/kmsg")
    [[ -e /proc/pressure/memory ]] || missing+=("PSI (/proc/pressure; boot with psi=1)")
    if command -v ss >/dev/null 2>&1; then
        port_free "$RETRANS_PORT" || missing+=("free port $RETRANS_PORT (tcp-retrans)")
        port_free "$LISTEN_PORT" || missing+=("free port $LISTEN_PORT (listen-overflow)")
    fi
    if ((${#missing[@]} > 0)); then
        printf 'missing: %s\n' "${missing[@]}"
        return 1
    fi
    echo "ok: cgroup layout $(cg_layout), $NCPU CPUs"
}

session_begin() {
    local owner=$1 wait=${2:-0} deadline holder
    [[ $owner =~ ^[0-9]+$ ]] || die "session-begin: not a pid: $owner"
    deadline=$((SECONDS + wait))
    while true; do
        if mkdir "$SESSION" 2>/dev/null; then
            echo "$owner" >"$SESSION/pid"
            return 0
        fi
        holder=$(cat "$SESSION/pid" 2>/dev/null || true)
        if [[ $holder == "$owner" ]]; then
            return 0
        fi
        if [[ -n $holder ]] && ! pid_alive "$holder"; then
            log "session of dead pid $holder taken over"
            rm -rf "$SESSION"
            continue
        fi
        if [[ -z $holder ]] && [[ -d $SESSION ]] && (($(date +%s) - $(stat -c %Y "$SESSION") > 10)); then
            rm -rf "$SESSION" # a claim that never got its pid
            continue
        fi
        if ((SECONDS >= deadline)); then
            echo "lab busy: held by pid $holder ($(tr '\0' ' ' </proc/"$holder"/cmdline 2>/dev/null | cut -c1-200))"
            return 1
        fi
        sleep 2
    done
}

# Refuse to touch conditions while a live process that is not one of our ancestors holds the session.
require_session_or_free() {
    local holder p
    holder=$(cat "$SESSION/pid" 2>/dev/null || true)
    [[ -z $holder ]] && return 0
    pid_alive "$holder" || return 0
    p=$$
    while [[ -n $p && $p != 0 ]]; do
        [[ $p == "$holder" ]] && return 0
        p=$(awk '/^PPid:/ {print $2}' /proc/"$p"/status 2>/dev/null || true)
        [[ $p == 1 ]] && break
    done
    die "lab busy: in use by pid $holder ($(tr '\0' ' ' </proc/"$holder"/cmdline 2>/dev/null | cut -c1-200)); not touching it"
}

session_end() {
    local holder
    holder=$(cat "$SESSION/pid" 2>/dev/null || true)
    if [[ $holder == "$1" ]]; then rm -rf "$SESSION"; fi
    return 0
}

main() {
    local cmd=${1:-}
    case $cmd in
        start | stop | how)
            [[ $# -eq 2 ]] || usage
            is_condition "$2" || die "unknown condition '$2' (known: ${CONDITIONS[*]})"
            need_root
            case $cmd in
                start) require_session_or_free; start_condition "$2" ;;
                stop) require_session_or_free; stop_condition "$2" ;;
                how) cat "$STATE/$2/how" 2>/dev/null || die "$2 is not running" ;;
            esac
            ;;
        stop-all) need_root; require_session_or_free; stop_all ;;
        list) need_root; list ;;
        verify-clean)
            need_root
            local left
            left=$(leftovers)
            [[ -z $left ]] || { echo "$left"; exit 1; }
            ;;
        conditions) printf '%s\n' "${CONDITIONS[@]}" ;;
        preflight) preflight ;;
        session-begin) need_root; [[ $# -ge 2 ]] || usage; session_begin "$2" "${3:-0}" ;;
        session-end) need_root; [[ $# -eq 2 ]] || usage; session_end "$2" ;;
        *) usage ;;
    esac
}

main "$@"
