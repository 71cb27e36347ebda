package io.triagebot.incident;

import java.util.List;

/**
 * A past incident worth mentioning: same host or same pattern.
 *
 * @param actionsThatWorked runbooks executed and verified on it, as "id (verified)"
 */
public record Recollection(Incident incident, boolean sameHost, boolean samePattern, List<String> actionsThatWorked) {
}
