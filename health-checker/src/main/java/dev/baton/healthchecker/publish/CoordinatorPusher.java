package dev.baton.healthchecker.publish;

import dev.baton.common.wire.VerdictReport;
import dev.baton.healthchecker.config.CheckCatalog;
import dev.baton.healthchecker.config.HealthCheckerConfig;
import dev.baton.healthchecker.verdict.VerdictBook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Pushes this observer's verdicts to every configured coordinator: at once on every change, and the
 * current report at each heartbeat. Each coordinator has its own mailbox holding only the newest
 * report, so a slow or failing coordinator never delays probing or the other coordinators, and a
 * retry always carries the latest verdicts rather than a stale one. Failed pushes are retried with
 * exponential backoff. (A SmallRye Fault Tolerance {@code @Retry} would re-send the report it was
 * first given; here staleness is the failure that matters.)
 */
@ApplicationScoped
public class CoordinatorPusher {
    private static final Logger LOG = Logger.getLogger(CoordinatorPusher.class);

    private final VerdictBook book;
    private final Vertx vertx;
    private final HealthCheckerConfig.Push config;
    private final List<Link> links = new ArrayList<>();
    private Cancellable subscription;
    private long heartbeat = -1;

    public CoordinatorPusher(VerdictBook book, Vertx vertx, HealthCheckerConfig config, CheckCatalog catalog,
            MeterRegistry registry) {
        this.book = book;
        this.vertx = vertx;
        this.config = config.push();
        String authorization = "Bearer " + this.config.token().orElse("");
        List<URI> coordinators = catalog.coordinators();
        for (int i = 0; i < coordinators.size(); i++) {
            CoordinatorApi api = QuarkusRestClientBuilder.newBuilder()
                    .baseUri(coordinators.get(i))
                    .connectTimeout(this.config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .readTimeout(this.config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .build(CoordinatorApi.class);
            links.add(new Link(String.valueOf(i), coordinators.get(i), api, authorization, registry));
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (links.isEmpty()) {
            return;
        }
        // off the caller's thread: a change is recorded under the verdict lock by whichever thread probed
        subscription = book.changes().emitOn(Infrastructure.getDefaultExecutor()).subscribe().with(this::offer);
        heartbeat = vertx.setPeriodic(config.heartbeat().toMillis(), id -> offer(book.report()));
        offer(book.report());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (subscription != null) {
            subscription.cancel();
        }
        if (heartbeat >= 0) {
            vertx.cancelTimer(heartbeat);
        }
    }

    private void offer(VerdictReport report) {
        links.forEach(link -> link.offer(report));
    }

    /** One coordinator: a one-report mailbox, at most one push in flight, backoff after failures. */
    private final class Link {
        private final String index;
        private final URI uri;
        private final CoordinatorApi api;
        private final String authorization;
        private final Counter delivered;
        private final Counter failed;
        private VerdictReport pending;
        private boolean busy;
        private Duration backoff = Duration.ZERO;
        private int failures;

        Link(String index, URI uri, CoordinatorApi api, String authorization, MeterRegistry registry) {
            this.index = index;
            this.uri = URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : ""));
            this.api = api;
            this.authorization = authorization;
            this.delivered = registry.counter("baton_health_checker_pushes", "coordinator", index, "result", "delivered");
            this.failed = registry.counter("baton_health_checker_pushes", "coordinator", index, "result", "failed");
        }

        void offer(VerdictReport report) {
            synchronized (this) {
                if (pending == null || !report.observedAt().isBefore(pending.observedAt())) {
                    pending = report;
                }
            }
            drain();
        }

        /** Sends the newest pending report unless a push or a backoff wait is under way. */
        private void drain() {
            VerdictReport report;
            synchronized (this) {
                if (busy || pending == null) {
                    return;
                }
                report = pending;
                pending = null;
                busy = true;
            }
            api.push(authorization, report).subscribe().with(ok -> succeeded(), error -> failed(report, error));
        }

        private void succeeded() {
            delivered.increment();
            synchronized (this) {
                if (failures > 0) {
                    LOG.infof("verdict push to coordinator %s (%s) works again after %d failures", index, uri, failures);
                }
                failures = 0;
                backoff = Duration.ZERO;
                busy = false;
            }
            drain();
        }

        private void failed(VerdictReport report, Throwable error) {
            failed.increment();
            Duration wait;
            synchronized (this) {
                if (pending == null) {
                    pending = report; // nothing newer arrived: retry this one
                }
                failures++;
                backoff = backoff.isZero() ? config.initialBackoff() : min(backoff.multipliedBy(2), config.maxBackoff());
                wait = backoff;
                if (failures == 1) {
                    LOG.warnf("verdict push to coordinator %s (%s) failed: %s; retrying with backoff up to %s", index, uri,
                            error.getMessage(), config.maxBackoff());
                }
            }
            vertx.setTimer(wait.toMillis(), id -> {
                synchronized (this) {
                    busy = false;
                }
                drain();
            });
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }
}
