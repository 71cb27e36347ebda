package io.triagebot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.usergroups.users.UsergroupsUsersListResponse;
import io.triagebot.approval.ApprovalPolicy;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Members of Slack user groups (usergroups.users.list), for approver groups. Cached, because an approval
 * click must not wait on Slack; when Slack cannot be asked, the last answer stands, and with none a group
 * has no members: an outage can only refuse an approval, never grant one.
 */
final class SlackUserGroups implements ApprovalPolicy.GroupMembers {

    private static final Logger LOG = LoggerFactory.getLogger(SlackUserGroups.class);

    static final Duration TTL = Duration.ofMinutes(5);

    private record Entry(Set<String> members, Instant fetchedAt) {
    }

    private final MethodsClient methods;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    SlackUserGroups(MethodsClient methods, Clock clock) {
        this.methods = methods;
        this.clock = clock;
    }

    @Override
    public Set<String> members(String groupId) {
        Entry cached = cache.get(groupId);
        Instant now = clock.instant();
        if (cached != null && cached.fetchedAt().plus(TTL).isAfter(now)) {
            return cached.members();
        }
        try {
            UsergroupsUsersListResponse r = methods.usergroupsUsersList(req -> req.usergroup(groupId));
            if (r.isOk() && r.getUsers() != null) {
                Set<String> members = Set.copyOf(r.getUsers());
                cache.put(groupId, new Entry(members, now));
                return members;
            }
            LOG.warn("usergroups.users.list {}: {}", groupId, r.getError());
        } catch (IOException | SlackApiException e) {
            LOG.warn("usergroups.users.list {}: {}", groupId, e.getMessage());
        }
        return cached == null ? Set.of() : cached.members();
    }
}
