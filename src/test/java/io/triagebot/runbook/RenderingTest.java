package io.triagebot.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.triagebot.probe.LocalScriptRunner;
import io.triagebot.probe.RunLimits;
import io.triagebot.probe.RunOutput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendering: every word single-quoted, the human form exact, and hostile text inert even if a type let it in. */
class RenderingTest {

    static RunbookCatalog catalog;

    @BeforeAll
    static void load() throws Exception {
        catalog = RunbookCatalogLoader.loadBuiltIn();
    }

    /** A command line of the script: words, each single-quoted (with '\'' inside), then optional </dev/null. */
    private static final Pattern QUOTED_LINE = Pattern.compile(
            "(printf '%s\\\\n' '(?:[^']|'\\\\'')*' \\| )?'[^']*'(?: '(?:[^']|'\\\\'')*')*( </dev/null)?");

    @Test
    void everyRunbookRendersEveryWordQuoted() throws Exception {
        for (Map.Entry<String, Map<String, String>> e : samples().entrySet()) {
            ResolvedAction a = catalog.resolve(e.getKey(), e.getValue());
            for (Privilege privilege : Privilege.values()) {
                RenderedAction r = a.render(privilege);
                List<RenderedScript> scripts = new java.util.ArrayList<>(List.of(r.precondition(), r.command()));
                r.capture().ifPresent(scripts::add);
                for (RenderedScript s : scripts) {
                    String[] lines = s.script().split("\n");
                    assertTrue(lines[0].startsWith("# triagebot runbook " + a.id() + ": "), s.script());
                    assertEquals(ResolvedAction.PRELUDE, String.join("\n", List.of(lines).subList(1, 4)) + "\n");
                    if (lines.length == 7) { // a precondition with its confirmation: check, read, compare
                        assertTrue(lines[4].endsWith(" || exit $?"), lines[4]);
                        lines[4] = lines[4].substring(0, lines[4].length() - " || exit $?".length());
                        assertTrue(lines[5].startsWith("tb_seen=$(") && lines[5].endsWith(") || exit $?"), lines[5]);
                        String read = lines[5].substring("tb_seen=$(".length(), lines[5].length() - ") || exit $?".length());
                        assertTrue(QUOTED_LINE.matcher(read).matches(), "unquoted word in " + read);
                        assertTrue(lines[6].matches("\\[ \"\\$tb_seen\" = '[^']*' \\] \\|\\| \\{ printf '%s\\\\n' '[^']*' "
                                + "\"\\$tb_seen\" '[^']*' >&2; exit 3; \\}"), lines[6]);
                    } else {
                        assertEquals(5, lines.length, s.script());
                    }
                    assertTrue(QUOTED_LINE.matcher(lines[4]).matches(), "unquoted word in " + lines[4]);
                    if (privilege == Privilege.SUDO) {
                        assertTrue(lines[4].contains("'sudo' '-n' '--' '"), lines[4]);
                        assertTrue(s.human().contains("sudo -n -- "), s.human());
                    }
                }
            }
        }
    }

    @Test
    void humanFormIsTheExactCommand() throws Exception {
        assertEquals("sysctl -w vm.swappiness=10", catalog.resolve("vm-swappiness", Map.of("value", "10")).humanCommand());
        assertEquals("printf '%s\\n' defer+madvise | tee /sys/kernel/mm/transparent_hugepage/defrag",
                catalog.resolve("thp-defrag", Map.of()).humanCommand());
        assertEquals("systemctl set-property --runtime db.service CPUQuota=700%",
                catalog.resolve("unit-cpu-quota", Map.of("unit", "db.service", "cgroup", "/system.slice/db.service", "quota", "700%")).humanCommand());
        assertEquals("sysctl -w 'net.ipv4.tcp_rmem=4096 131072 16777216' 'net.ipv4.tcp_wmem=4096 16384 16777216'",
                catalog.resolve("tcp-buffers", Map.of("rmem", "4096 131072 16777216", "wmem", "4096\t16384 16777216"))
                        .humanCommand());
        assertEquals("renice 10 -p 4242", catalog.resolve("renice", Map.of("pid", "4242")).humanCommand());
        assertEquals("systemctl set-property --runtime 'system-getty\\x2dstatic.slice' MemoryHigh=1G",
                catalog.resolve("unit-memory-high", Map.of("unit", "system-getty\\x2dstatic.slice", "cgroup",
                        "/system.slice/system-getty\\x2dstatic.slice", "limit", "1G"))
                        .humanCommand());
        RenderedAction r = catalog.resolve("vm-swappiness", Map.of("value", "10")).render();
        assertTrue(r.command().script().endsWith("'sysctl' '-w' 'vm.swappiness=10' </dev/null\n"), r.command().script());
        assertEquals("sysctl -n vm.swappiness", r.capture().orElseThrow().human());
        assertEquals("test -w /proc/sys/vm/swappiness", r.precondition().human());
    }

    @Test
    void aUnitActionFirstConfirmsTheUnitsCgroupIsTheOneMeasured() throws Exception {
        RenderedAction r = catalog.resolve("unit-cpu-quota", Map.of("unit", "db.service", "cgroup",
                "/system.slice/db.service", "quota", "700%")).render();
        assertEquals("test -d /run/systemd/system && [ \"$(systemctl show -p ControlGroup --value db.service)\" = "
                + "/system.slice/db.service ]", r.precondition().human());
        assertTrue(r.precondition().script().contains("tb_seen=$('systemctl' 'show' '-p' 'ControlGroup' '--value' "
                + "'db.service' </dev/null) || exit $?\n[ \"$tb_seen\" = '/system.slice/db.service' ] || {"),
                r.precondition().script());
        // A path outside system.slice is no unit's: refused before anything is rendered.
        InvalidParametersException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidParametersException.class,
                () -> catalog.resolve("unit-cpu-quota", Map.of("unit", "postgresql.service", "cgroup",
                        "/user.slice/user-1000.slice/user@1000.service/x/postgresql.service", "quota", "100%")));
        assertTrue(e.getMessage().contains("'cgroup'"), e.getMessage());
    }

    @Test
    void hostileValuesAreRefusedBeforeRendering() {
        for (String v : ParameterTypeTest.HOSTILE) {
            for (Map.Entry<String, Map<String, String>> e : samples().entrySet()) {
                for (String name : e.getValue().keySet()) {
                    Map<String, String> params = new java.util.HashMap<>(e.getValue());
                    params.put(name, v);
                    if (e.getKey().equals("unit-cpu-quota") && name.equals("quota") && v.isEmpty()) {
                        continue; // empty CPUQuota= lifts the quota: valid
                    }
                    InvalidParametersException ex = org.junit.jupiter.api.Assertions.assertThrows(
                            InvalidParametersException.class, () -> catalog.resolve(e.getKey(), params),
                            e.getKey() + "." + name + " accepted " + Shell.display(v));
                    assertTrue(ex.getMessage().contains("'" + name + "'"), ex.getMessage());
                }
            }
        }
    }

    @TempDir
    Path dir;

    /**
     * A runbook author who typed a far too generous pattern: the hostile text gets through validation,
     * and the script still passes it to the program as one argument, byte for byte, running nothing.
     */
    @Test
    void evenAGenerousStringTypeIsInertInTheScript() throws Exception {
        Files.writeString(dir.resolve("cpu.yaml"), """
                subsystem: cpu
                runbooks:
                  - id: echo-test
                    title: t
                    patterns: [cpu-saturation]
                    parameters:
                      text: {type: string, pattern: '.*', description: anything}
                    sudo: false
                    precondition: [test, -e, /proc/self]
                    command: [printf, '%s\\n', "before {text} after"]
                    irreversible: test
                    persistence: runtime
                    risk: low
                    production: p
                """);
        RunbookCatalog c = RunbookCatalogLoader.load(dir);
        LocalScriptRunner runner = new LocalScriptRunner();
        Path canary = dir.resolve("canary");
        for (String v : List.of("'; rm -rf / #", "$(touch " + canary + ")", "`touch " + canary + "`",
                "'$(touch " + canary + ")'", "\"; touch " + canary + "; \"", "x' ; touch " + canary + " ; '",
                "ünï©ødé ✓ \u202e", "${PATH}", "\\'\\\\", "* ?")) {
            ResolvedAction a = c.resolve("echo-test", Map.of("text", v));
            RunOutput out = runner.run(a.render().command().script(), new RunLimits(Duration.ofSeconds(10), 1 << 16));
            assertEquals(0, out.exitCode(), out.stderr());
            assertEquals("before " + v + " after\n", new String(out.stdout(), StandardCharsets.UTF_8));
            assertFalse(Files.exists(canary), "ran a command from " + v);
        }
    }

    /** Newlines and control characters never pass a type; the quoting would still carry them as data. */
    @Test
    void quotingAloneKeepsNewlinesAndQuotesAsData() throws Exception {
        LocalScriptRunner runner = new LocalScriptRunner();
        Path canary = dir.resolve("canary");
        for (String v : List.of("a\ntouch " + canary, "'\n touch " + canary + "\n'", "\r\n$(touch " + canary + ")")) {
            String script = "printf '%s' " + Shell.quote(v) + "\n";
            RunOutput out = runner.run(script, new RunLimits(Duration.ofSeconds(10), 1 << 16));
            assertEquals(v, new String(out.stdout(), StandardCharsets.UTF_8));
            assertFalse(Files.exists(canary));
        }
        // The input of a tee is a quoted printf argument too: same guarantee.
        ResolvedAction a = catalog.resolve("thp-defrag", Map.of("mode", "madvise"));
        String script = a.render().command().script();
        Matcher m = Pattern.compile("printf '%s\\\\n' ('madvise') \\| 'tee' '/sys/kernel/mm/transparent_hugepage/defrag'\n")
                .matcher(script);
        assertTrue(m.find(), script);
    }

    @Test
    void aPathComponentCannotBeEscapedEvenThroughAStringPattern() throws Exception {
        Files.writeString(dir.resolve("network.yaml"), """
                subsystem: network
                runbooks:
                  - id: rps-test
                    title: t
                    patterns: [softirq-imbalance]
                    parameters:
                      queue: {type: string, pattern: '.*', description: too generous}
                    sudo: true
                    precondition: [test, -w, "/sys/class/net/lo/queues/{queue}/rps_cpus"]
                    command: [tee, "/sys/class/net/lo/queues/{queue}/rps_cpus"]
                    input: "0"
                    irreversible: test
                    persistence: runtime
                    risk: low
                    production: p
                """);
        RunbookCatalog c = RunbookCatalogLoader.load(dir);
        for (String v : List.of("..", ".", "rx-0/../../../../../etc", "a/b")) {
            InvalidParametersException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidParametersException.class,
                    () -> c.resolve("rps-test", Map.of("queue", v)), v);
            assertTrue(e.getMessage().contains("path component"), e.getMessage());
        }
    }

    /** Values for every runbook, in the detectors' formats. */
    static Map<String, Map<String, String>> samples() {
        return Map.ofEntries(
                Map.entry("vm-swappiness", Map.of("value", "10")),
                Map.entry("unit-memory-high", Map.of("unit", "batch.service", "cgroup", "/system.slice/batch.service", "limit", "512M")),
                Map.entry("thp-enabled", Map.of("mode", "madvise")),
                Map.entry("thp-defrag", Map.of("mode", "defer+madvise")),
                Map.entry("numa-balancing", Map.of("enabled", "0")),
                Map.entry("watermark-scale-factor", Map.of("value", "200")),
                Map.entry("oom-score-adj", Map.of("pid", "777", "value", "500")),
                Map.entry("drop-caches", Map.of()),
                Map.entry("renice", Map.of("pid", "1001", "nice", "10")),
                Map.entry("unit-cpu-quota", Map.of("unit", "batch.service", "cgroup", "/system.slice/batch.service", "quota", "100%")),
                Map.entry("taskset", Map.of("pid", "1001", "cpus", "0")),
                Map.entry("io-scheduler", Map.of("device", "sda", "scheduler", "bfq")),
                Map.entry("nr-requests", Map.of("device", "nvme0n1", "value", "512")),
                Map.entry("read-ahead", Map.of("device", "vda", "kb", "128")),
                Map.entry("ionice", Map.of("pid", "4242", "class", "idle")),
                Map.entry("somaxconn", Map.of("value", "4096")),
                Map.entry("tcp-max-syn-backlog", Map.of("value", "4096")),
                Map.entry("tcp-buffers", Map.of("rmem", "4096 131072 16777216", "wmem", "4096 16384 16777216")),
                Map.entry("congestion-control", Map.of("algorithm", "bbr")),
                Map.entry("irq-affinity", Map.of("irq", "24", "cpus", "1-3")),
                Map.entry("rps-mask", Map.of("interface", "eth0", "queue", "rx-0", "mask", "e")));
    }
}
