package dev.baton.coordinator.policy;

/** One precondition of a failover, whether it held, and why. */
public record Condition(String name, boolean held, String detail) {

    static Condition of(String name, boolean held, String detail) {
        return new Condition(name, held, detail);
    }
}
