package dev.baton.coordinator.runbook;

import dev.baton.coordinator.config.CoordinatorConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The sites' Redis servers as the {@code redis-*} steps reach them (Vert.x's Redis client): one connection per call,
 * closed after it, bounded by its timeout. The password is sent with the connection's AUTH and as a replica's
 * {@code masterauth}, and appears in no message.
 */
@ApplicationScoped
public class SiteRedis {
    private final Vertx vertx;
    private final Map<String, CoordinatorConfig.Site> sites;

    public SiteRedis(Vertx vertx, CoordinatorConfig config) {
        this.vertx = vertx;
        this.sites = Map.copyOf(config.sites());
    }

    /** Why a call found nothing. */
    public static final class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * {@code ROLE} as Redis answers it: {@code master}, or {@code slave} with the primary it follows and the link's
     * state ({@code connect}, {@code connecting}, {@code sync}, {@code connected}) and its replication offset.
     */
    public record Role(String role, String masterHost, Integer masterPort, String linkState, Long offset) {
        boolean primary() {
            return role.equals("master");
        }

        @Override
        public String toString() {
            return primary() ? "a primary (ROLE master, offset " + offset + ")" : "a replica of " + masterHost + ":" + masterPort + " (link "
                    + linkState + ", offset " + offset + ")";
        }
    }

    public boolean has(String site) {
        CoordinatorConfig.Site s = sites.get(site);
        return s != null && s.redis().host().isPresent();
    }

    public String describe(String site) {
        CoordinatorConfig.Redis r = redis(site);
        return site + "'s Redis (" + r.host().orElse("?") + ":" + r.port() + ")";
    }

    /** The host another site's Redis follows {@code site}'s at. */
    String upstreamHost(String site) {
        return redis(site).host().orElseThrow();
    }

    int upstreamPort(String site) {
        return redis(site).port();
    }

    public Role role(String site, Duration timeout) throws Unreachable {
        return call(site, timeout, c -> c.send(Request.cmd(Command.ROLE)).map(SiteRedis::role));
    }

    static Role role(Response r) {
        String kind = r.get(0).toString();
        if (kind.equals("master")) {
            return new Role(kind, null, null, null, r.get(1).toLong());
        }
        if (kind.equals("slave")) {
            return new Role(kind, r.get(1).toString(), r.get(2).toInteger(), r.get(3).toString(), r.size() > 4 ? r.get(4).toLong() : null);
        }
        return new Role(kind, null, null, null, null);
    }

    /** {@code REPLICAOF NO ONE}: a primary from now on. */
    public void promote(String site, Duration timeout) throws Unreachable {
        call(site, timeout, c -> c.send(Request.cmd(Command.REPLICAOF).arg("NO").arg("ONE")).map(r -> null));
    }

    /**
     * {@code CONFIG SET masterauth} (and {@code masteruser}) with {@code upstream}'s credentials when it has any, then
     * {@code REPLICAOF host port}.
     */
    public void follow(String site, String upstream, Duration timeout) throws Unreachable {
        CoordinatorConfig.Redis u = redis(upstream);
        Optional<String> password = password(u);
        call(site, timeout, c -> {
            Future<Response> auth = password.isEmpty() ? Future.succeededFuture()
                    : c.send(Request.cmd(Command.CONFIG).arg("SET").arg("masterauth").arg(password.get()));
            if (u.user().isPresent()) {
                auth = auth.compose(x -> c.send(Request.cmd(Command.CONFIG).arg("SET").arg("masteruser").arg(u.user().get())));
            }
            return auth.compose(x -> c.send(Request.cmd(Command.REPLICAOF).arg(u.host().orElseThrow()).arg(u.port()))).map(r -> null);
        });
    }

    private <T> T call(String site, Duration timeout, Function<RedisConnection, Future<T>> work) throws Unreachable {
        try {
            return attempt(site, timeout, work);
        } catch (Unreachable e) {
            // Redis echoes a refused command's arguments ("ERR unknown command 'CONFIG', with args beginning with: ..."):
            // no password of either site leaves this class
            String message = e.getMessage();
            for (String site2 : sites.keySet()) {
                if (has(site2)) {
                    String pw = password(sites.get(site2).redis()).orElse("");
                    if (!pw.isEmpty()) {
                        message = message.replace(pw, "********");
                    }
                }
            }
            throw message.equals(e.getMessage()) ? e : new Unreachable(message, null);
        }
    }

    private <T> T attempt(String site, Duration timeout, Function<RedisConnection, Future<T>> work) throws Unreachable {
        CoordinatorConfig.Redis r = redis(site);
        RedisOptions options = new RedisOptions().setConnectionString("redis://" + r.user().map(u -> u + "@").orElse("") + r.host().orElseThrow()
                + ":" + r.port()).setMaxPoolSize(1).setMaxPoolWaiting(1);
        options.getNetClientOptions().setConnectTimeout((int) Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
        password(r).ifPresent(options::setPassword);
        Redis client = Redis.createClient(vertx, options);
        try {
            return client.connect().compose(c -> work.apply(c).eventually(v -> c.close())).toCompletionStage().toCompletableFuture()
                    .get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Unreachable(describe(site) + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new Unreachable(describe(site) + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(describe(site) + ": interrupted", e);
        } finally {
            client.close();
        }
    }

    private CoordinatorConfig.Redis redis(String site) {
        CoordinatorConfig.Site s = sites.get(site);
        if (s == null || s.redis().host().isEmpty()) {
            throw new IllegalArgumentException("site " + site + " has no Redis configured");
        }
        return s.redis();
    }

    static Optional<String> password(CoordinatorConfig.Redis r) {
        if (r.passwordFile().isPresent()) {
            try {
                List<String> lines = Files.readAllLines(Path.of(r.passwordFile().get()));
                return Optional.of(lines.isEmpty() ? "" : lines.get(0));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the Redis password file " + r.passwordFile().get(), e);
            }
        }
        return r.passwordEnv().map(System::getenv);
    }

    /** The problems with a site's Redis settings, each naming its key. */
    public static List<String> problems(String key, CoordinatorConfig.Redis r) {
        List<String> problems = new ArrayList<>();
        if (r.host().isEmpty()) {
            return problems;
        }
        if (r.host().get().isBlank()) {
            problems.add(key + "host: must not be blank");
        }
        if (r.passwordFile().isPresent() && r.passwordEnv().isPresent()) {
            problems.add(key + "password-file: set either password-file or password-env, not both");
        }
        r.passwordFile().ifPresent(f -> {
            if (!Files.isReadable(Path.of(f)) || Files.isDirectory(Path.of(f))) {
                problems.add(key + "password-file: " + f + " is not a readable file");
            }
        });
        r.passwordEnv().ifPresent(env -> {
            if (System.getenv(env) == null) {
                problems.add(key + "password-env: the environment variable " + env + " is not set");
            }
        });
        return problems;
    }
}
