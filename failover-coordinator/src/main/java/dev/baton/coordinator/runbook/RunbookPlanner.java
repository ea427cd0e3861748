package dev.baton.coordinator.runbook;

import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.store.OperationRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Turns the configured runbook (or the built-in default) into the ordered steps of one operation. */
@ApplicationScoped
public class RunbookPlanner {
    public static final String VETO_WINDOW = "veto-window";

    private final CoordinatorConfig config;
    private final BrokerSession broker;

    public RunbookPlanner(CoordinatorConfig config, BrokerSession broker) {
        this.config = config;
        this.broker = broker;
    }

    public List<RunbookStep> plan(OperationRow.Kind kind, boolean automatic) {
        List<RunbookStep> steps = new ArrayList<>();
        Duration veto = config.policy().vetoWindow();
        if (automatic && !veto.isZero()) {
            steps.add(RunbookStep.of(VETO_WINDOW, VETO_WINDOW, RunbookStep.OnFailure.ABORT, veto.plusSeconds(30)).withDuration(veto));
        }
        String key = kind.name().toLowerCase(java.util.Locale.ROOT);
        CoordinatorConfig.Runbook runbook = config.runbooks().get(key);
        if (runbook != null && runbook.steps().isPresent() && !runbook.steps().get().isEmpty()) {
            for (CoordinatorConfig.Step s : runbook.steps().get()) {
                steps.add(new RunbookStep(s.name().orElse(s.type()), s.type(), s.site(), s.command().orElse(null), s.url().orElse(null),
                        s.severity(), s.message().orElse(null), s.duration().orElse(null), s.source(), s.timeout(), s.retries(),
                        RunbookStep.OnFailure.parse(s.onFailure()), s.maxLag().orElse(Duration.ZERO), s.mode()));
            }
        } else {
            steps.addAll(defaults(kind));
        }
        return List.copyOf(steps);
    }

    /**
     * notify, [failback: sync from the active standby first], fence, sync, start, wait-healthy, dns (when
     * configured), notify. Notifications never stop an operation.
     */
    List<RunbookStep> defaults(OperationRow.Kind kind) {
        List<RunbookStep> steps = new ArrayList<>();
        Duration two = Duration.ofMinutes(2);
        steps.add(RunbookStep.of("notify", "announce", RunbookStep.OnFailure.CONTINUE, Duration.ofSeconds(30))
                .withMessage("WARNING", "{kind} {from} -> {to} started (epoch {epoch}): {reason}"));
        if (kind == OperationRow.Kind.FAILBACK) {
            steps.add(RunbookStep.of("sync", "re-sync-to-primary", RunbookStep.OnFailure.ABORT, two));
        }
        steps.add(RunbookStep.of("fence", "fence", RunbookStep.OnFailure.ABORT, BrokerSession.linger(config.fence()).plus(Duration.ofMinutes(2))));
        steps.add(RunbookStep.of("sync", "final-sync", RunbookStep.OnFailure.ABORT, two));
        steps.add(RunbookStep.of("start", "start", RunbookStep.OnFailure.ABORT, Duration.ofMinutes(5)));
        steps.add(RunbookStep.of("wait-healthy", "wait-healthy", RunbookStep.OnFailure.NEEDS_OPERATOR, Duration.ofMinutes(5))
                .withDuration(Duration.ofMinutes(5)));
        if (config.dns().zone().isPresent() && config.dns().name().isPresent()) {
            steps.add(RunbookStep.of("dns", "dns", RunbookStep.OnFailure.NEEDS_OPERATOR, Duration.ofMinutes(5)));
        }
        steps.add(RunbookStep.of("notify", "done", RunbookStep.OnFailure.CONTINUE, Duration.ofSeconds(30))
                .withMessage("INFO", "{kind} {from} -> {to} complete (epoch {epoch})"));
        return steps;
    }

    /** What a step would do between {@code from} and {@code to}, in words, for dry runs. */
    public String describe(RunbookStep step, String from, String to) {
        return switch (step.type()) {
            case VETO_WINDOW -> "announce and wait " + step.duration().toSeconds() + "s for a veto";
            case "notify" -> "send a " + step.severity() + " alert through the notifier";
            case "http-hook" -> "POST the operation to " + step.url() + "; a non-2xx answer stops the operation";
            case "ssh" -> "run '" + step.command() + "' on " + ("from".equals(step.site()) ? from : to) + " with BATON_EPOCH set";
            case "fence" -> {
                CoordinatorConfig.Site site = config.sites().get(from);
                String fallback = site != null && site.fencingEndpoint().url().isPresent() ? "power it off via its fencing endpoint and confirm"
                        : config.fence().allowWait() ? "presume it fenced once its start gate's lease ("
                                + config.fence().siteLease().map(l -> l.toMillis() / 1000.0 + "s").orElse("unset")
                                + ") has run out since the fence began and the broker released its session"
                        : "stop and page (waiting is not allowed)";
                yield "write the new epoch to " + from + ", stop " + (site == null ? "the engine" : String.join(", ", site.engineServices()))
                        + " there over SSH and confirm with compose ps; if SSH cannot reach it, " + fallback + "; "
                        + broker.describe(from) + "; an unconfirmed fence or a session not released in time ends in DEGRADED and "
                        + to + " is not started";
            }
            case "sync" -> "ask state-sync for a final sync " + from + " -> " + to + " with the new epoch; if " + from
                    + " is unreachable use the last synced copy and record its age as the RPO";
            case "start" -> "only after the fence released the broker session: write the new epoch to " + to + " and run compose up -d there";
            case "wait-healthy" -> "wait until " + to + " is healthy (" + step.source() + ")";
            case "dns" -> "switch " + config.dns().name().orElse("the record") + " from " + from + "'s to " + to
                    + "'s address through dns-manager (compare-and-set) and wait for propagation";
            case "wait" -> "wait " + (step.duration() == null ? 0 : step.duration().toSeconds()) + "s";
            case "pg-fence-old" -> (step.mode().equals("stop") ? "run '" + step.command() + "' on " + from + " and confirm its PostgreSQL refuses connections"
                    : "make " + from + "'s PostgreSQL read-only by default (ALTER SYSTEM default_transaction_read_only), end its client sessions and "
                            + "confirm that a fresh session's write is refused") + "; unreachable counts only when the fence found " + from
                    + " unreachable and fenced it";
            case "pg-check-replica" -> "check that " + to + "'s PostgreSQL is a replica holding what " + from + "'s wrote (caught up, or its last "
                    + "replayed transaction at most " + (step.maxLag() == null ? 0 : step.maxLag().toMillis()) + " ms old), waiting up to "
                    + (step.duration() == null ? PostgresSteps.CATCH_UP : step.duration()).toSeconds() + "s, else refuse; with " + from + "'s database fenced and "
                    + "unreachable, record the replica's lag as the database RPO";
            case "pg-rejoin" -> "make " + to + "'s PostgreSQL a streaming replica of " + from + "'s by '" + step.command() + "' on " + to
                    + " (BATON_PG_UPSTREAM_HOST/PORT set), then wait up to " + (step.duration() == null ? PostgresSteps.REJOIN : step.duration()).toSeconds()
                    + "s until it streams and has caught up; a database already streaming is not touched";
            case "redis-promote" -> "make " + to + "'s Redis a primary (REPLICAOF NO ONE) and confirm with ROLE; a primary already is not touched";
            case "redis-replicate" -> {
                String site = "from".equals(step.site()) ? from : to;
                yield "make " + site + "'s Redis a replica of " + ("from".equals(step.site()) ? to : from) + "'s (masterauth, REPLICAOF) and wait up to "
                        + (step.duration() == null ? RedisSteps.LINK : step.duration()).toSeconds() + "s for ROLE to show the link connected";
            }
            case "pg-promote" -> "promote " + to + "'s PostgreSQL (pg_promote, waiting up to " + (step.duration() == null ? 60 : step.duration().toSeconds())
                    + "s) and confirm it is out of recovery and takes a write; already promoted (a resumed operation): confirm only";
            default -> step.type();
        } + " (timeout " + step.timeout().toSeconds() + "s, retries " + step.retries() + ", on failure "
                + step.onFailure().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")";
    }
}
