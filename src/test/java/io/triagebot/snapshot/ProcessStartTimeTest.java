package io.triagebot.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Field 22 of /proc/PID/stat, the start time that binds an action to one process. */
class ProcessStartTimeTest {

    @Test
    void readsTheStartTimeEvenWhenTheNameHoldsSpacesAndParentheses() {
        String line = "/proc/4242/stat:4242 (evil) 1 2 3) S 1 4242 4242 0 -1 4194560 120 0 0 0 15 7 0 0 20 0 3 0 "
                + "987654 123456789 321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcessStat p = ProcessFormats.processes(List.of(line)).get(0);
        assertEquals(4242, p.pid());
        assertEquals("evil) 1 2 3", p.comm());
        assertEquals(987654L, p.startTime());
        assertEquals(3, p.threads());
    }

    @Test
    void thisProcessStartTimeAsTheKernelShowsIt() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat")).strip();
        long expected = Long.parseLong(stat.substring(stat.lastIndexOf(") ") + 2).split(" ")[19]);
        ProcessStat p = ProcessFormats.processes(List.of("/proc/" + stat.substring(0, stat.indexOf(' '))
                + "/stat:" + stat)).get(0);
        assertEquals(expected, p.startTime());
    }
}
