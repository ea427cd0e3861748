package dev.baton.dns.api;

import dev.baton.dns.switching.SwitchOutcome;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The one place dns-manager registers types for reflection (native image): bodies built into a {@code Response}
 * by the exception mappers, which Quarkus cannot see from resource method signatures.
 */
@RegisterForReflection(targets = {DnsProblems.ConflictProblem.class, SwitchOutcome.RecordView.class})
final class NativeReflection {

    private NativeReflection() {
    }
}
