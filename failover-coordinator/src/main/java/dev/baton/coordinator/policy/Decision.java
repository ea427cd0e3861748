package dev.baton.coordinator.policy;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the policy concluded and every condition it weighed. {@code firstDownAt} is the earliest DOWN
 * seen by a counting observer (for the detection-to-decision metric), null when nothing is down.
 */
public record Decision(Action action, Instant at, String from, String to, List<Condition> conditions, Instant firstDownAt) {

    public enum Action {
        /** The active site is fine: nothing to do. */
        NONE,
        /** The active site looks down but it is not confirmed yet (confirmation time, remediation grace). */
        WAIT,
        /** Restart the engine on the active site first (remediation ladder). */
        REMEDIATE,
        /** Every condition holds: go. */
        PROCEED,
        /** The active site is confirmed down (or an operator asked) but a condition does not hold. */
        REFUSED
    }

    public Decision {
        conditions = List.copyOf(conditions);
    }

    public boolean proceeds() {
        return action == Action.PROCEED;
    }

    public List<Condition> unmet() {
        return conditions.stream().filter(c -> !c.held()).toList();
    }

    public boolean holds(String condition) {
        return conditions.stream().anyMatch(c -> c.name().equals(condition) && c.held());
    }

    /** One line for logs, alerts and history: the action and the conditions that did not hold. */
    public String summary() {
        List<Condition> unmet = unmet();
        String why = unmet.isEmpty() ? "all conditions hold"
                : unmet.stream().map(c -> c.name() + " (" + c.detail() + ")").collect(Collectors.joining("; "));
        return action + " " + from + " -> " + to + ": " + why;
    }
}
