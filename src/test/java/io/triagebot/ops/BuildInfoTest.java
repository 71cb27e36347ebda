package io.triagebot.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

    private static Properties props(String version, String commit, String time, String dirty) {
        Properties p = new Properties();
        p.setProperty("version", version);
        p.setProperty("commit", commit);
        p.setProperty("commitTime", time);
        p.setProperty("dirty", dirty);
        return p;
    }

    @Test
    void aBuildFromACheckoutNamesItsCommit() {
        BuildInfo info = BuildInfo.from(props("0.2.0", "061cd6d86c30", "2026-11-25T04:01:54Z", "false"));
        assertEquals("0.2.0 (commit 061cd6d86c30, 2026-11-25T04:01:54Z)", info.describe());
        assertEquals("061cd6d86c30", info.commitLabel());
        BuildInfo dirty = BuildInfo.from(props("0.2.0", "061cd6d86c30", "2026-11-25T04:01:54Z", "true"));
        assertEquals("061cd6d86c30-dirty", dirty.commitLabel());
    }

    @Test
    void aBuildOutsideGitSaysSoInsteadOfInventingACommit() {
        // What the build writes without a repository (or without git).
        BuildInfo info = BuildInfo.from(props("0.2.0", "unknown", "unknown", "false"));
        assertFalse(info.hasCommit());
        assertEquals("unknown", info.commitLabel());
        assertEquals("0.2.0 (commit unknown: not built from a git checkout)", info.describe());
        // A placeholder nobody filled in, or nothing at all, reads the same.
        assertFalse(BuildInfo.from(props("0.2.0", "${git.commit.id.abbrev}", "${git.commit.time}", "")).hasCommit());
        assertFalse(BuildInfo.from(props("0.2.0", "", "", "")).hasCommit());
    }

    @Test
    void classesWithoutTheBuildAreDevAndNothingMalformedReachesALabel() {
        assertEquals("dev", BuildInfo.from(new Properties()).version());
        BuildInfo hostile = BuildInfo.from(props("1.0\"} evil{", "DROP TABLE", "now\n", "yes"));
        assertEquals("dev", hostile.version());
        assertEquals("unknown", hostile.commit());
        assertEquals("unknown", hostile.commitTime());
        assertFalse(hostile.dirty());
    }

    @Test
    void theTestClassPathCarriesTheFilteredBuild() {
        BuildInfo current = BuildInfo.current();
        assertNotEquals("dev", current.version(), "the build wrote no build.properties into target/classes");
        assertTrue(current.version().matches("\\d+\\.\\d+\\.\\d+.*"), current.version());
    }
}
