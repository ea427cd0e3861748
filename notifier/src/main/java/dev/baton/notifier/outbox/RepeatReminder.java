package dev.baton.notifier.outbox;

import dev.baton.notifier.config.NotifierConfig;
import dev.baton.notifier.pipeline.Alert;
import dev.baton.notifier.store.OutboxStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The repeat interval without a re-post: every minute, alerts still firing whose last notification is older than
 * {@code repeat-interval} are raised again through the normal policy (so silences and inhibition still apply) and
 * sent as REPEAT, until they are resolved.
 */
@ApplicationScoped
public class RepeatReminder {
    private static final Logger LOG = Logger.getLogger(RepeatReminder.class);
    private static final int BATCH = 200;
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);

    private final OutboxStore store;
    private final AlertIntake intake;
    private final Clock clock;
    private final Duration repeatInterval;

    public RepeatReminder(OutboxStore store, AlertIntake intake, Clock clock, NotifierConfig config) {
        this.store = store;
        this.intake = intake;
        this.clock = clock;
        this.repeatInterval = config.pipeline().repeatInterval();
    }

    @Scheduled(every = "1m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            remind();
        } catch (RuntimeException e) {
            LOG.warnf("repeat reminder skipped: %s", e.getMessage());
        }
    }

    /** Re-raises what is due; returns how many alerts were re-sent. */
    public int remind() {
        List<Alert> due = store.dueForRepeat(clock.instant().minus(repeatInterval), BATCH).await().atMost(DB_TIMEOUT);
        int sent = 0;
        for (Alert a : due) {
            if (intake.remind(a).await().atMost(DB_TIMEOUT).disposition().sends()) {
                sent++;
            }
        }
        return sent;
    }
}
