#!/usr/bin/env python3
"""Hand-written fixtures for what a single-node VM cannot induce, built from a REAL capture.

    python3 lab/handwrite.py [BASE.run] [FIXTURES_DIR]

BASE defaults to src/test/resources/fixtures/idle/local.run (lab/capture.sh runs this right after
capturing idle). Only the files relevant to the pattern are edited; every other byte of the base
stays as it was captured, so the fixture is as real as it can be. Each output starts with the
header lines "# handwritten: true" and "# why: ..." and lists its edits.

  handwritten/numa            a second NUMA node (numastat, meminfo), remote allocations climbing on
                              both nodes, node 1 almost out of memory, NUMA balancing on and
                              migrating 40,000 pages/s with 25% local hint faults
  handwritten/hardware-error  machine-check and EDAC lines in the kernel log, 40 s old
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "src", "test", "resources", "fixtures")


def split_run(data):
    """(header lines, stream lines). The stream is kept as bytes-decoded-latin1 to stay byte exact."""
    end = data.index(b"# --\n")
    header = data[:end].decode("utf-8").splitlines()
    stream = data[end + len(b"# --\n"):].decode("latin-1")
    return header, stream.split("\n")


def join_run(header, lines):
    return ("\n".join(header) + "\n# --\n").encode("utf-8") + "\n".join(lines).encode("latin-1")


def header_value(header, key):
    for h in header:
        if h.startswith("# " + key + ": "):
            return h[len(key) + 4:]
    return None


def new_header(base_header, condition, why, edits):
    out = []
    for h in base_header:
        key = h[2:].split(": ", 1)[0] if h.startswith("# ") else ""
        if key == "condition":
            out.append("# condition: " + condition)
        elif key == "how":
            out.append("# base-how: " + h[len("# how: "):])
        elif key in ("settle-seconds", "background-cpu-busy-before"):
            out.append("# base-" + h[2:])
        else:
            out.append(h)
    out.insert(1, "# handwritten: true")
    out.insert(2, "# why: " + why)
    out.append("# based-on: fixtures/idle/local.run (nonce " + header_value(base_header, "nonce") + ")")
    out.append("# edits: " + edits)
    out.append("# captured-by: lab/handwrite.py")
    return out


class Stream:
    """The collector stream as lines, with helpers to find samples and file sections."""

    def __init__(self, lines):
        self.lines = lines
        self.marker = lines[0].split(" ")[0] + " "

    def sample_ranges(self):
        starts = [i for i, l in enumerate(self.lines) if l.startswith(self.marker + "S ")]
        ends = starts[1:] + [len(self.lines)]
        return list(zip(starts, ends))

    def section(self, path, lo, hi):
        """(first content line, end) of "==> path <==" within [lo, hi), or None."""
        head = "==> " + path + " <=="
        for i in range(lo, hi):
            if self.lines[i] == head:
                j = i + 1
                while j < hi and not self.lines[j].startswith("==> ") and not self.lines[j].startswith(self.marker):
                    j += 1
                # head separates sections with an empty line that belongs to no file
                while j > i + 1 and self.lines[j - 1] == "":
                    j -= 1
                return i + 1, j
        return None

    def uptime(self, lo, hi):
        s = self.section("/proc/uptime", lo, hi)
        return float(self.lines[s[0]].split()[0])


def kv_edit(lines, start, end, changes):
    """Add deltas to "key value" lines in place; changes: key -> function(old) -> new."""
    seen = set()
    for i in range(start, end):
        parts = lines[i].split()
        if len(parts) == 2 and parts[0] in changes:
            lines[i] = parts[0] + " " + str(changes[parts[0]](int(parts[1])))
            seen.add(parts[0])
    missing = set(changes) - seen
    if missing:
        raise SystemExit("handwrite: base lacks " + ", ".join(sorted(missing)))


def numa(base_header, lines):
    s = Stream(list(lines))
    (a0, a1), (b0, b1) = s.sample_ranges()[:2]
    window = s.uptime(b0, b1) - s.uptime(a0, a1)
    n = lambda per_second: int(round(per_second * window))
    # Rates in the window (pages/s or allocations/s).
    migrate, hint, hint_local = 40_000, 60_000, 15_000
    remote0, remote1 = 30_000, 35_000  # allocations that missed their preferred node, per node
    lines = s.lines
    # Edit the second sample first so the first sample's line numbers stay valid.
    for idx, (lo, hi) in ((1, (b0, b1)), (0, (a0, a1))):
        k = idx  # 0 = first sample, 1 = second: counters add k * delta
        vm = s.section("/proc/vmstat", lo, hi)
        kv_edit(lines, vm[0], vm[1], {
            "numa_pte_updates": lambda v, k=k: 95_000_000 + k * n(hint * 1.2),
            "numa_hint_faults": lambda v, k=k: 80_000_000 + k * n(hint),
            "numa_hint_faults_local": lambda v, k=k: 20_000_000 + k * n(hint_local),
            "numa_pages_migrated": lambda v, k=k: 52_000_000 + k * n(migrate),
            "pgmigrate_success": lambda v, k=k: 52_000_000 + k * n(migrate),
            "numa_hit": lambda v, k=k: v + 9_500_000 + k * n(4_000),  # plus node 1's own
            "numa_local": lambda v, k=k: v + 9_400_000 + k * n(3_500),
            "numa_miss": lambda v, k=k: 61_000_000 + k * n(remote0 + remote1),
            "numa_foreign": lambda v, k=k: 61_000_000 + k * n(remote0 + remote1),
            "numa_other": lambda v, k=k: 61_000_000 + k * n(remote0 + remote1),
        })
        ns = s.section("/sys/devices/system/node/node0/numastat", lo, hi)
        if ns is None:
            raise SystemExit("handwrite: base has no node0 numastat in sample %d" % (idx + 1))
        kv_edit(lines, ns[0], ns[1], {
            "numa_miss": lambda v, k=k: 29_000_000 + k * n(remote0),
            "numa_foreign": lambda v, k=k: 32_000_000 + k * n(remote1),
            "other_node": lambda v, k=k: 29_000_000 + k * n(remote0),
        })
        node0 = lines[ns[0]:ns[1]]
        values = dict(l.split() for l in node0 if len(l.split()) == 2)
        node1 = [
            "numa_hit " + str(9_500_000 + k * n(4_000)),
            "numa_miss " + str(32_000_000 + k * n(remote1)),
            "numa_foreign " + str(29_000_000 + k * n(remote0)),
            "interleave_hit " + values.get("interleave_hit", "0"),
            "local_node " + str(9_400_000 + k * n(3_500)),
            "other_node " + str(32_000_000 + k * n(remote1)),
        ]
        if idx == 0:
            # Later sections first, so that earlier positions stay valid.
            nb = s.section("/proc/sys/kernel/numa_balancing", lo, hi)
            if nb is None:
                raise SystemExit("handwrite: base has no /proc/sys/kernel/numa_balancing")
            lines[nb[0]:nb[1]] = ["1"]
            mi = s.section("/sys/devices/system/node/node0/meminfo", lo, hi)
            if mi is None or mi[0] < ns[1]:
                raise SystemExit("handwrite: base has no node0 meminfo after node0 numastat")
            node1_mem = []
            for l in lines[mi[0]:mi[1]]:
                m = re.match(r"Node 0 (\S+):(\s+)(\d+)(.*)", l)
                if not m:
                    node1_mem.append(l)
                    continue
                key, pad, value, rest = m.group(1), m.group(2), int(m.group(3)), m.group(4)
                width = len(pad) + len(m.group(3))
                if key == "MemFree":
                    value = 48_000  # node 1 is nearly full: its allocations spill to node 0
                node1_mem.append("Node 1 " + key + ":" + str(value).rjust(width) + rest)
            memtotal = next(int(re.findall(r"\d+", l)[1]) for l in node1_mem if " MemTotal:" in l)
            node1_mem = [re.sub(r"(Node 1 MemUsed:)(\s+\d+)",
                                lambda m: m.group(1) + str(memtotal - 48_000).rjust(len(m.group(2))), l)
                         for l in node1_mem]
            lines[mi[1]:mi[1]] = ["", "==> /sys/devices/system/node/node1/meminfo <=="] + node1_mem
        lines[ns[1]:ns[1]] = ["", "==> /sys/devices/system/node/node1/numastat <=="] + node1
    why = ("this VM has one NUMA node, so cross-node traffic and NUMA balancing migrations cannot be induced; "
           "the numbers follow the triage reference's numa-thrashing signals")
    edits = ("vmstat numa_pte_updates/numa_hint_faults/numa_hint_faults_local/numa_pages_migrated/pgmigrate_success/"
             "numa_hit/numa_local/numa_miss/numa_foreign/numa_other (both samples: hint faults 60000/s of which 15000/s local, "
             "40000 pages/s migrated); node0 numastat numa_miss/numa_foreign/other_node; added node1 numastat "
             "(both samples) and node1 meminfo (copy of node0 with MemFree 48000 kB); kernel.numa_balancing=1. "
             "Everything else (CPU, processes, kernel log...) is the real idle capture")
    return new_header(base_header, "numa", why, edits), lines


def hardware_error(base_header, lines):
    s = Stream(list(lines))
    (a0, a1) = s.sample_ranges()[0]
    lines = s.lines
    uptime = s.uptime(a0, a1)
    t = uptime - 40.0
    begin = next(i for i in range(a0, a1) if lines[i].startswith(s.marker + "C kernel-log"))
    end = next(i for i in range(a0, a1) if lines[i].startswith(s.marker + "R kernel-log"))
    added = [
        "[%12.6f] mce: [Hardware Error]: Machine check events logged" % t,
        "[%12.6f] mce: [Hardware Error]: CPU 1: Machine Check: 0 Bank 7: 8c00004000010091" % (t + 0.000012),
        "[%12.6f] mce: [Hardware Error]: TSC 0 ADDR 3f1c2a000 MISC 140c85086 " % (t + 0.000020),
        "[%12.6f] EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (channel:1 slot:0 "
        "page:0x3f1c2a offset:0x0 grain:32 syndrome:0x0 - area:DRAM err_code:0001:0091 socket:0 ha:0 "
        "channel_mask:2 rank:0)" % (t + 0.001),
    ]
    lines[end:end] = added
    # The collector keeps the newest kernel-log maxLines lines (tail on the target): drop as many of
    # the oldest as were added, as tail would have, so that the block still fits.
    max_lines = kernel_log_max_lines()
    excess = (end - begin - 1) + len(added) - max_lines
    if excess > 0:
        del lines[begin + 1:begin + 1 + excess]
    why = ("a VM has no machine-check banks or EDAC memory controller to report a fault; the lines follow the "
           "kernel's mce and sb_edac formats")
    edits = ("appended 4 kernel log lines (mce Hardware Error, EDAC MC0 1 CE) dated 40 s before the capture, "
             "dropping as many of the oldest kernel log lines (the probe keeps the newest maxLines)")
    return new_header(base_header, "hardware-error", why, edits), lines


def kernel_log_max_lines():
    """maxLines of the kernel-log probe in commands/kernel-log.yaml (2000 when not found)."""
    try:
        with open(os.path.join(ROOT, "commands", "kernel-log.yaml")) as f:
            m = re.search(r"^\s*maxLines:\s*(\d+)", f.read(), re.M)
            return int(m.group(1)) if m else 2000
    except OSError:
        return 2000


EXPECTED = {
    "numa": "# What FixtureCorpusTest asserts for this fixture (written by lab/handwrite.py).\n"
            "condition: numa\nfirst-pattern: numa-thrashing\ncapture:\n"
            "  rose: [vmstat.numa_pages_migrated, numastat.1.numa_miss]\n",
    "hardware-error": "# What FixtureCorpusTest asserts for this fixture (written by lab/handwrite.py).\n"
                      "condition: hardware-error\nseverity: CRITICAL\nescalations: [hardware-error]\n",
}


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(FIXTURES, "idle", "local.run")
    out_root = sys.argv[2] if len(sys.argv) > 2 else FIXTURES
    with open(base, "rb") as f:
        data = f.read()
    for name, build in (("numa", numa), ("hardware-error", hardware_error)):
        header, lines = split_run(data)
        header, lines = build(header, lines)
        d = os.path.join(out_root, "handwritten", name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "local.run"), "wb") as f:
            f.write(join_run(header, lines))
        with open(os.path.join(d, "expected.yaml"), "w") as f:
            f.write(EXPECTED[name])
        print("handwrite: wrote", os.path.relpath(os.path.join(d, "local.run"), out_root), file=sys.stderr)


if __name__ == "__main__":
    main()
