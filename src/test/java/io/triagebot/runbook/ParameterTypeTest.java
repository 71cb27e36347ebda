package io.triagebot.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every type with good and bad values; every injection attempt refused by validation alone. */
class ParameterTypeTest {

    /** Shell metacharacters, command substitution, newlines, NUL, Unicode look-alikes. */
    static final List<String> HOSTILE = List.of("'; rm -rf / #", "$(reboot)", "`reboot`", "10\nreboot", "10\r", "10;reboot",
            "10 && reboot", "10|reboot", "10\u0000", "\u0661\u0660", "１０", "10\u200b", "sda\u2044x", "${IFS}", "-1 -p 1",
            "../../etc/passwd", "*", "");

    static ParameterSpec spec(ParameterType type) {
        return spec(type, null, null);
    }

    static ParameterSpec spec(ParameterType type, Long min, Long max) {
        return new ParameterSpec("p", type, "d", null, min, max,
                type == ParameterType.ENUM ? List.of("idle", "best-effort", "defer+madvise") : List.of(),
                type == ParameterType.STRING ? Pattern.compile("[a-z][a-z0-9_]{0,15}") : null);
    }

    static void good(ParameterSpec s, String value, String canonical) throws InvalidParametersException {
        assertEquals(canonical, s.validate(value), s.type() + " " + value);
    }

    static void good(ParameterSpec s, String... values) throws InvalidParametersException {
        for (String v : values) {
            good(s, v, v);
        }
    }

    static void bad(ParameterSpec s, String... values) {
        for (String v : values) {
            InvalidParametersException e = assertThrows(InvalidParametersException.class, () -> s.validate(v),
                    s.type() + " accepted " + Shell.display(v));
            assertTrue(e.getMessage().startsWith("parameter 'p' must be "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "error messages stay on one line: " + e.getMessage());
        }
    }

    @Test
    void everyTypeRefusesEveryHostileValue() {
        for (ParameterType t : ParameterType.values()) {
            ParameterSpec s = t == ParameterType.INTEGER ? spec(t, -1000L, 1000L) : spec(t);
            for (String v : HOSTILE) {
                if (t == ParameterType.PERCENT && v.isEmpty()) {
                    continue; // empty is "no quota", a valid CPUQuota=
                }
                bad(s, v);
            }
        }
    }

    @Test
    void integer() throws Exception {
        ParameterSpec s = spec(ParameterType.INTEGER, -20L, 19L);
        good(s, "0", "10", "-20", "19");
        good(s, "010", "10");
        bad(s, "20", "-21", "1.5", "+5", "1e3", "0x10", " 5", "5 ", "99999999999999999999", "1,000");
        assertEquals("parameter 'p' must be a whole number from -20 to 19; got '20'",
                assertThrows(InvalidParametersException.class, () -> s.validate("20")).getMessage());
    }

    @Test
    void enumeration() throws Exception {
        ParameterSpec s = spec(ParameterType.ENUM);
        good(s, "idle", "best-effort", "defer+madvise");
        bad(s, "IDLE", "realtime", "idle ", "defer");
    }

    @Test
    void pid() throws Exception {
        ParameterSpec s = spec(ParameterType.PID);
        good(s, "2", "4242", "4194304");
        bad(s, "1", "0", "-1", "4194305", "12345678", "$$");
    }

    @Test
    void device() throws Exception {
        ParameterSpec s = spec(ParameterType.DEVICE);
        good(s, "sda", "nvme0n1", "vda", "dm-0", "md127", "mmcblk0");
        bad(s, "sda1/..", "..", ".", "Sda", "-sda", "0sda", "sda/queue", "a".repeat(33));
    }

    @Test
    void unit() throws Exception {
        ParameterSpec s = spec(ParameterType.UNIT);
        good(s, "db.service", "session-3.scope", "system.slice", "getty@tty1.service", "system-getty\\x2dstatic.slice");
        bad(s, "db", "db.timer", ".service", "-x.service", "--all.service", "db service.service", "a\\b.service",
                "a".repeat(250) + ".service");
    }

    @Test
    void irq() throws Exception {
        ParameterSpec s = spec(ParameterType.IRQ);
        good(s, "0", "24", "65535");
        bad(s, "65536", "LOC", "-1", "NMI");
    }

    @Test
    void cpulist() throws Exception {
        ParameterSpec s = spec(ParameterType.CPULIST);
        good(s, "0", "0-3", "0,2-3,8", "1-1");
        bad(s, "3-0", "0-", ",0", "0,,1", "0 1", "a", "70000", "0-70000");
        assertTrue(s.same("0,1", "0-1"));
        assertFalse(s.same("0-2", "0-1"));
    }

    @Test
    void hexmask() throws Exception {
        ParameterSpec s = spec(ParameterType.HEXMASK);
        good(s, "e", "0", "ff", "FFFF", "00000000,0000000f");
        bad(s, "0x3", "g", ",f", "f,", "123456789", "ff,,ff");
        assertTrue(s.same("0e", "e"));
        assertTrue(s.same("00000000,0000000f", "f"));
        assertFalse(s.same("e", "f"));
    }

    @Test
    void networkInterface() throws Exception {
        ParameterSpec s = spec(ParameterType.INTERFACE);
        good(s, "eth0", "enp0s31f6", "br-lan", "bond0.100", "wg_0");
        bad(s, ".", "..", "-eth0", "eth0/queues", "sixteen-chars-xx", "eth 0");
    }

    @Test
    void bytesTriple() throws Exception {
        ParameterSpec s = spec(ParameterType.BYTES_TRIPLE);
        good(s, "4096 131072 16777216", "4096 131072 16777216");
        good(s, "4096\t131072\t6291456", "4096 131072 6291456");
        bad(s, "4096 131072", "4096 131072 16777216 1", "0 1 2", "3 2 1", "4096 131072 4294967296", "4096,131072,6291456");
    }

    @Test
    void string() throws Exception {
        ParameterSpec s = spec(ParameterType.STRING);
        good(s, "bbr", "cubic", "htcp");
        bad(s, "BBR", "bbr;", "-bbr", "x".repeat(17));
    }

    @Test
    void size() throws Exception {
        ParameterSpec s = spec(ParameterType.SIZE, 1_048_576L, null);
        good(s, "512M", "2G", "536870912", "infinity", "1024K");
        bad(s, "512m", "512MB", "1K", "0", "-1", "1.5G", "99999999999999999999T");
        assertTrue(s.same("512M", "536870912"));
        assertFalse(s.same("512M", "infinity"));
    }

    @Test
    void percent() throws Exception {
        ParameterSpec s = spec(ParameterType.PERCENT, 1L, 102400L);
        good(s, "100%", "700%", "12.5%", "");
        good(s, "12.50%", "12.5%");
        bad(s, "0%", "100", "102401%", "1.234%", "-5%", "5 %");
        assertTrue(s.same("150%", "150.00%"));
    }
}
