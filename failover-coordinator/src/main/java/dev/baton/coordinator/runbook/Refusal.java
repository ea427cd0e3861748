package dev.baton.coordinator.runbook;

import dev.baton.coordinator.policy.Decision;

/** A request the coordinator will not carry out: {@code status} is the HTTP status the API answers with. */
public class Refusal extends RuntimeException {
    private final int status;
    private final String title;
    private final transient Decision decision;

    public Refusal(int status, String title, String detail, Decision decision) {
        super(detail);
        this.status = status;
        this.title = title;
        this.decision = decision;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Decision decision() {
        return decision;
    }
}
