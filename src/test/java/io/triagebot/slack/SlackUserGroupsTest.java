package io.triagebot.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import io.triagebot.testsupport.FakeSlackApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Approver groups through usergroups.users.list: cached, and an outage never grants anything. */
class SlackUserGroupsTest {

    @Test
    void membersAreCachedAndTheLastAnswerStandsDuringAnOutage() throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi()) {
            slack.server.stubFor(post(urlPathEqualTo("/api/usergroups.users.list")).willReturn(okJson(
                    "{\"ok\":true,\"users\":[\"U0AAA\",\"U0BBB\"]}")));
            MovableClock clock = new MovableClock();
            SlackUserGroups groups = new SlackUserGroups(methods(slack), clock);
            assertEquals(Set.of("U0AAA", "U0BBB"), groups.members("S0SRE"));
            assertEquals(Set.of("U0AAA", "U0BBB"), groups.members("S0SRE"));
            assertEquals(1, slack.calls("usergroups.users.list").size(), "the second lookup is cached");
            assertEquals("S0SRE", slack.calls("usergroups.users.list").get(0).get("usergroup"));

            slack.failAll("usergroups.users.list", 500);
            clock.now = clock.now.plus(SlackUserGroups.TTL).plusSeconds(1);
            assertEquals(Set.of("U0AAA", "U0BBB"), groups.members("S0SRE"), "Slack down: the last answer stands");
            assertEquals(Set.of(), groups.members("S0OTHER"), "never known: no members, so no approval");
        }
    }

    @Test
    void anErrorAnswerGrantsNothing() throws Exception {
        try (FakeSlackApi slack = new FakeSlackApi()) {
            slack.server.stubFor(post(urlPathEqualTo("/api/usergroups.users.list")).willReturn(aResponse()
                    .withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody("{\"ok\":false,\"error\":\"no_such_subteam\"}")));
            assertEquals(Set.of(), new SlackUserGroups(methods(slack), new MovableClock()).members("S0GONE"));
        }
    }

    private static com.slack.api.methods.MethodsClient methods(FakeSlackApi slack) {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(slack.baseUrl());
        config.setHttpClientCallTimeoutMillis((int) Duration.ofSeconds(15).toMillis()); // a cold client on a busy machine
        return Slack.getInstance(config).methods("xoxb-test");
    }

    /** A clock the test moves past the cache's lifetime. */
    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-25T04:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
