package dev.baton.coordinator.runbook;

/** A step did not do its job; {@code detail} says why, in words for the journal and the operator. */
public class StepFailed extends Exception {

    public StepFailed(String detail) {
        super(detail);
    }

    public StepFailed(String detail, Throwable cause) {
        super(detail, cause);
    }
}
