#!/usr/bin/env bash
# Capture the raw output of the deep probes' tools under REAL conditions on this host (as root), for
# the parser and renderer tests (src/test/resources/deep/):
#
#   sudo lab/capture-deep.sh              # every capture
#
# Each capture runs the tool exactly as the generated deep-probe script does (perf in pipe mode; the
# bpftrace program of commands/deep/KIND.yaml with the duration as $1) while lab/lab.sh holds a
# condition, inside the lab session, and writes OUTPUT.txt with a provenance header ('# ' lines:
# date, kernel, tool versions, condition, command). A trap stops every condition on any exit.
set -euo pipefail
cd "$(dirname "$0")/.."
readonly LAB=lab/lab.sh
readonly OUT=${TRIAGEBOT_DEEP_FIXTURES:-src/test/resources/deep}
readonly SECONDS_PER=${SECONDS_PER:-3}
readonly OWNER=$$

log() { echo "capture-deep: $*" >&2; }
[[ $(id -u) -eq 0 ]] || { log "must run as root"; exit 1; }
$LAB session-begin "$OWNER" 600 >&2
trap '$LAB stop-all >&2 || true; $LAB session-end "$OWNER" || true; rm -f /var/tmp/triagebot-deep-biolat' EXIT
$LAB stop-all >&2

# program KIND: the bpftrace program of commands/deep/KIND.yaml (the block under "program: |").
program() {
    awk '/^program: \|/ {on=1; next} on && /^[^ ]/ {exit} on {sub(/^  /, ""); print}' "commands/deep/$1.yaml"
}

header() {
    local condition=$1 command=$2
    echo "# captured: $(date -u +%Y-%m-%dT%H:%M:%SZ) by lab/capture-deep.sh"
    echo "# kernel: $(uname -r)"
    echo "# perf: $(perf --version 2>/dev/null || echo none); bpftrace: $(bpftrace --version 2>/dev/null || echo none)"
    echo "# condition: $condition"
    echo "# command: $command"
}

perf_capture() {
    local name=$1 condition=$2
    local cmd="perf record -N -F 99 -a -g -o - -- sleep $SECONDS_PER | perf script -i - -F comm,pid,ip,sym,dso"
    { header "$condition" "$cmd"; perf record -N -F 99 -a -g -o - -- sleep "$SECONDS_PER" 2>/dev/null \
        | perf script -i - -F comm,pid,ip,sym,dso 2>/dev/null; } >"$OUT/$name.txt"
    log "$name: $(wc -c <"$OUT/$name.txt") bytes"
}

bpftrace_capture() {
    local name=$1 kind=$2 condition=$3
    { header "$condition" "bpftrace -e \"\$(program of commands/deep/$kind.yaml)\" $SECONDS_PER"
        bpftrace -e "$(program "$kind")" "$SECONDS_PER" 2>/dev/null; } >"$OUT/$name.txt"
    log "$name: $(wc -c <"$OUT/$name.txt") bytes"
}

with_condition() {
    local cond=$1
    shift
    $LAB start "$cond" >&2
    "$@" "lab.sh $cond: $($LAB how "$cond")"
    $LAB stop "$cond" >&2
}

with_condition cpu perf_capture perf-cpu-stress
perf_capture perf-idle "none (whatever the host ran: JVMs of builds, sshd, PostgreSQL)"
bpftrace_capture offcpu-idle offcpu "none"
bpftrace_capture runqlat-idle runqlat "none"
with_condition context-switch bpftrace_capture runqlat-context-switch runqlat
with_condition tcp-retrans bpftrace_capture tcpretrans-lab tcpretrans
bpftrace_capture pagefaults-idle pagefaults "none"
# Direct (uncached) 4 KiB writes for the whole capture, so the block layer sees requests.
dd if=/dev/zero of=/var/tmp/triagebot-deep-biolat bs=4k count=100000 oflag=direct status=none &
DD=$!
bpftrace_capture biolat-direct-writes biolat "dd if=/dev/zero of=/var/tmp/triagebot-deep-biolat bs=4k count=100000 oflag=direct"
kill "$DD" 2>/dev/null || true
wait "$DD" 2>/dev/null || true
log "done: $(ls "$OUT")"
