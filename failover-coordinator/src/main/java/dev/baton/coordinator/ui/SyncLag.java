package dev.baton.coordinator.ui;

import dev.baton.coordinator.client.StateSyncClient;
import dev.baton.coordinator.config.CoordinatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State-sync's last successful sync per target, for the page. Asked in the background at most every
 * {@link #REFRESH}, so a slow or absent state-sync never holds up the page or its stream: the page shows
 * the last answer and when it was had, or that state-sync could not be asked.
 */
@ApplicationScoped
public class SyncLag {
    static final Duration REFRESH = Duration.ofSeconds(5);

    private final StateSyncClient stateSync;
    private final List<String> targets;
    private final Map<String, Entry> known = new ConcurrentHashMap<>();
    private final BackgroundRefresh refresh;

    public SyncLag(StateSyncClient stateSync, CoordinatorConfig config, Clock clock) {
        this.stateSync = stateSync;
        this.targets = List.copyOf(new TreeSet<>(config.sites().keySet()));
        this.refresh = new BackgroundRefresh(REFRESH, clock, this::ask);
    }

    /** One target: when it was last synced (null if state-sync does not know) or why state-sync could not be asked. */
    record Entry(Instant lastSuccessAt, String error) {
    }

    /** The rows for the page, starting a background refresh when the last one is older than {@link #REFRESH}. */
    List<Dashboard.SyncRow> rows(Instant now) {
        refresh.poke(now, false);
        return targets.stream().map(t -> {
            Entry e = known.get(t);
            if (e == null) {
                return new Dashboard.SyncRow(t, null, null, "not asked yet");
            }
            if (e.lastSuccessAt() == null) {
                return new Dashboard.SyncRow(t, null, null, e.error() != null ? e.error() : "no successful sync known");
            }
            return new Dashboard.SyncRow(t, e.lastSuccessAt(), Math.max(0, Duration.between(e.lastSuccessAt(), now).toSeconds()),
                    e.error());
        }).toList();
    }

    private void ask() {
        for (String t : targets) {
            try {
                known.put(t, new Entry(stateSync.lastSuccess(t).orElse(null), null));
            } catch (RuntimeException e) {
                known.put(t, new Entry(null, "state-sync not answering"));
            }
        }
    }
}
