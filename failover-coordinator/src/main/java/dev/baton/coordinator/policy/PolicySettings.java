package dev.baton.coordinator.policy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The policy's thresholds, resolved from configuration (quorum already defaulted to a majority). */
public record PolicySettings(
        Set<String> observers,
        int quorum,
        Duration staleness,
        Duration confirmation,
        Duration cooldown,
        int dailyCap,
        boolean requireStandbyUp,
        Duration maxSyncAge,
        List<MaintenanceWindow> windows,
        boolean automatic,
        boolean automaticFailback,
        boolean remediation,
        Duration remediationGrace,
        Pattern targetReadyIgnores) {

    /** Settings where the target's readiness is its full site status. */
    public PolicySettings(Set<String> observers, int quorum, Duration staleness, Duration confirmation, Duration cooldown,
            int dailyCap, boolean requireStandbyUp, Duration maxSyncAge, List<MaintenanceWindow> windows, boolean automatic,
            boolean automaticFailback, boolean remediation, Duration remediationGrace) {
        this(observers, quorum, staleness, confirmation, cooldown, dailyCap, requireStandbyUp, maxSyncAge, windows, automatic,
                automaticFailback, remediation, remediationGrace, null);
    }

    public PolicySettings {
        observers = Set.copyOf(observers);
        windows = List.copyOf(windows);
        if (quorum < 1 || quorum > observers.size()) {
            throw new IllegalArgumentException("quorum must be 1.." + observers.size() + ", was " + quorum);
        }
    }

    /** A strict majority of {@code n} observers. */
    public static int majority(int n) {
        return n / 2 + 1;
    }
}
