package dev.baton.coordinator.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.baton.common.wire.SwitchRequest;
import dev.baton.common.wire.SyncRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Stand-ins for state-sync and dns-manager that behave like the real services as far as the coordinator can
 * tell: they read request bodies into the wire records of {@code common} and validate them as the services do
 * (400 problem JSON), refuse mutating calls without the bearer token (401), keep state (state-sync's active site
 * and epoch, the DNS record's value) and apply the services' rules to it (an older epoch is a 409 "Stale epoch";
 * a switch whose {@code from} is not the record's value is a 409 naming the current value), and answer with the
 * services' response shapes ({@code SyncView}, {@code SwitchOutcome}, {@code PropagationReport}). A test breaks
 * them on purpose through {@link StateSync} and {@link Dns}. {@code RealPeersIT} runs a failover against the
 * real services' jars, so that stand-in and service cannot drift apart unnoticed.
 */
public final class StandIns {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private StandIns() {
    }

    /** A WireMock transformer answering for one service: the request's method and path, then the service's rules. */
    abstract static class StandIn implements ResponseDefinitionTransformerV2 {
        private final String name;

        StandIn(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request r = event.getRequest();
            return answer(r.getMethod().getName(), r.getUrl().replaceFirst("\\?.*", ""), r);
        }

        abstract ResponseDefinition answer(String method, String path, Request r);
    }

    /** state-sync: {@code GET /status}, {@code GET|PUT /active}, {@code POST /sync}. */
    public static final class StateSync extends StandIn {
        public static final String NAME = "state-sync-stand-in";
        private final String token;
        private String activeSite;
        private long epoch;
        /** The highest leadership term seen for {@link #epoch}. */
        private long term;
        private Instant lastSuccess;
        private int failSyncsWith;
        private ActiveMove pendingMove;
        private final Map<String, Integer> cycles = new LinkedHashMap<>();

        StateSync(String token) {
            super(NAME);
            this.token = token;
        }

        private volatile java.util.concurrent.CountDownLatch release;
        private final java.util.concurrent.Semaphore held = new java.util.concurrent.Semaphore(0);

        /** From now on {@code GET /api/v1/status} hangs (a stopped state-sync) until {@link #releaseStatus}. */
        public void holdStatus() {
            release = new java.util.concurrent.CountDownLatch(1);
        }

        /** Waits (at most 30 s) until a status request hangs on {@link #holdStatus}. */
        public void awaitHeldStatus() throws InterruptedException {
            if (!held.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("no status request reached the held state-sync in 30 s");
            }
        }

        public void releaseStatus() {
            java.util.concurrent.CountDownLatch r = release;
            release = null;
            if (r != null) {
                r.countDown();
            }
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            java.util.concurrent.CountDownLatch r = release;
            if (r != null && event.getRequest().getMethod().getName().equals("GET") && event.getRequest().getUrl().startsWith("/api/v1/status")) {
                held.release();
                try {
                    r.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.transform(event);
        }

        /** As the service starts: replicating from the primary at epoch 0, each copy last brought up to date at {@code lastSuccess}. */
        synchronized void reset(Instant lastSuccess) {
            releaseStatus();
            held.drainPermits();
            this.activeSite = "primary";
            this.epoch = 0;
            this.term = 0;
            this.lastSuccess = lastSuccess;
            this.failSyncsWith = 0;
            this.pendingMove = null;
            cycles.clear();
        }

        /** Another coordinator (or a restored database) moved state-sync on: it now follows {@code site} at {@code epoch}. */
        public synchronized void follows(String site, long epoch) {
            this.activeSite = site;
            this.epoch = epoch;
            this.term = 0;
        }

        private record ActiveMove(String site, long epoch) {
        }

        /**
         * Another coordinator moves state-sync on to {@code site} at {@code epoch} just before the next time anyone
         * reads {@code GET /api/v1/active}: while this coordinator's operation runs, after its decision was made.
         */
        public synchronized void movedOnBeforeTheNextActiveRead(String site, long epoch) {
            this.pendingMove = new ActiveMove(site, epoch);
        }

        /** Each sync cycle fails from now on as the service's do when a site cannot be read or written (502 "Sync failed"). */
        public synchronized void cyclesFail() {
            this.failSyncsWith = 502;
        }

        public synchronized String activeSite() {
            return activeSite;
        }

        public synchronized long epoch() {
            return epoch;
        }

        /** Completed cycles by {@code from->to}. */
        public synchronized Map<String, Integer> cycles() {
            return Map.copyOf(cycles);
        }

        @Override
        synchronized ResponseDefinition answer(String method, String path, Request r) {
            if (method.equals("GET") && path.equals("/api/v1/status")) {
                ArrayNode targets = JSON.createArrayNode();
                for (String target : List.of("primary", "standby")) {
                    if (target.equals(activeSite)) {
                        continue;
                    }
                    ObjectNode t = targets.addObject().put("target", target).put("lastSuccessAt", lastSuccess.toString())
                            .put("lagSeconds", Math.max(0, (Instant.now().toEpochMilli() - lastSuccess.toEpochMilli()) / 1000.0))
                            .put("bytes", 2048).put("files", 3);
                    t.putNull("lastError");
                }
                ObjectNode status = JSON.createObjectNode().put("activeSite", activeSite).put("epoch", epoch).put("continuous", true);
                status.set("targets", targets);
                return ok(200, status);
            }
            if (method.equals("GET") && path.equals("/api/v1/active")) {
                if (pendingMove != null) {
                    follows(pendingMove.site(), pendingMove.epoch());
                    pendingMove = null;
                }
                return ok(200, active());
            }
            ResponseDefinition refused = unauthorized(r, token);
            if (refused != null) {
                return refused;
            }
            if (method.equals("PUT") && path.equals("/api/v1/active")) {
                Object parsed = parse(r, dev.baton.coordinator.client.ActiveSite.class);
                if (parsed instanceof ResponseDefinition bad) {
                    return bad;
                }
                var a = (dev.baton.coordinator.client.ActiveSite) parsed;
                if (!a.site().equals("primary") && !a.site().equals("standby")) {
                    return problem(404, "Invalid request", "unknown site " + a.site() + "; configured: [primary, standby]");
                }
                if (a.epoch() < epoch) {
                    return problem(409, "Stale epoch", "refused: epoch " + a.epoch() + " is older than the current epoch " + epoch
                            + " (active: " + activeSite + ")");
                }
                if (a.epoch() == epoch && a.term() < term) {
                    return problem(409, "Stale epoch", "refused: term " + a.term() + " is older than the term " + term + " seen for epoch "
                            + epoch + ": a deposed coordinator");
                }
                if (a.epoch() == epoch && !a.site().equals(activeSite)) {
                    return problem(409, "Stale epoch", "refused: epoch " + epoch + " already has " + activeSite
                            + " as its active site; a new active site needs a new epoch");
                }
                term = a.epoch() == epoch ? Math.max(term, a.term()) : a.term();
                activeSite = a.site();
                epoch = a.epoch();
                return ok(200, active());
            }
            if (method.equals("POST") && path.equals("/api/v1/sync")) {
                Object parsed = parse(r, SyncRequest.class);
                if (parsed instanceof ResponseDefinition bad) {
                    return bad;
                }
                SyncRequest s = (SyncRequest) parsed;
                if (s.from().equals(s.to())) {
                    return problem(400, "Invalid request", "refused: source and target are both " + s.from());
                }
                if (s.epoch() < epoch) {
                    return problem(409, "Stale epoch", "refused: request epoch " + s.epoch() + " is older than the current epoch " + epoch);
                }
                if (s.epoch() > epoch) {
                    return problem(409, "Source is not the active site", "refused: request epoch " + s.epoch()
                            + " is newer than the epoch " + epoch + " state-sync follows; set the active site of epoch "
                            + s.epoch() + " first (PUT /api/v1/active)");
                }
                if (s.term() < term) {
                    return problem(409, "Stale epoch", "refused: request term " + s.term() + " is older than the term " + term
                            + " seen for epoch " + epoch + ": a deposed coordinator");
                }
                if (!s.from().equals(activeSite)) {
                    return problem(409, "Source is not the active site", "refused: source " + s.from()
                            + " is not the active site of epoch " + epoch + " (active: " + activeSite + ")");
                }
                if (failSyncsWith != 0) {
                    return problem(failSyncsWith, "Sync failed", "cannot read " + s.from() + ": SFTP session closed");
                }
                lastSuccess = Instant.now();
                cycles.merge(s.from() + "->" + s.to(), 1, Integer::sum);
                ObjectNode done = JSON.createObjectNode().put("from", s.from()).put("to", s.to()).put("epoch", s.epoch())
                        .put("changed", true).put("snapshotId", UUID.randomUUID().toString()).put("files", 3).put("bytes", 2048)
                        .put("totalFiles", 3).put("deleted", 0);
                done.putArray("unstable");
                return ok(200, done);
            }
            return problem(404, "Not found", method + " " + path);
        }

        private ObjectNode active() {
            return JSON.createObjectNode().put("site", activeSite).put("epoch", epoch).put("term", term);
        }
    }

    /** dns-manager serving one record set: {@code POST /switch}, {@code GET /propagation}, {@code GET /records}. */
    public static final class Dns extends StandIn {
        public static final String NAME = "dns-manager-stand-in";
        private final String token;
        private final String zone;
        private final String name;
        private String value;
        private boolean propagationStalls;
        private int switches;

        Dns(String token, String zone, String name) {
            super(NAME);
            this.token = token;
            this.zone = zone;
            this.name = name;
        }

        synchronized void reset(String value) {
            this.value = value;
            this.propagationStalls = false;
            this.switches = 0;
        }

        /** Someone else (an operator in the provider's console, a second install) set the record to {@code value}. */
        public synchronized void changedByAnotherWriter(String value) {
            this.value = value;
        }

        /** The authoritative nameservers keep answering the old value: each propagation wait ends at its deadline. */
        public synchronized void propagationStalls() {
            this.propagationStalls = true;
        }

        public synchronized String value() {
            return value;
        }

        /** Switches that changed the record. */
        public synchronized int switches() {
            return switches;
        }

        @Override
        synchronized ResponseDefinition answer(String method, String path, Request r) {
            if (method.equals("GET") && path.equals("/api/v1/propagation")) {
                return propagation(r);
            }
            if (method.equals("GET") && path.equals("/api/v1/records")) {
                ObjectNode records = JSON.createObjectNode().put("zone", zone).put("name", name).put("type", "A").put("provider", "rfc2136");
                records.putArray("records").addObject().put("value", value).put("ttl", 60).putNull("proxied").putNull("id");
                return ok(200, records);
            }
            ResponseDefinition refused = unauthorized(r, token);
            if (refused != null) {
                return refused;
            }
            if (method.equals("POST") && path.equals("/api/v1/switch")) {
                Object parsed = parse(r, SwitchRequest.class);
                if (parsed instanceof ResponseDefinition bad) {
                    return bad;
                }
                SwitchRequest s = (SwitchRequest) parsed;
                String z = s.zone().replaceFirst("\\.$", "");
                String n = s.name().replaceFirst("\\.$", "");
                if (!z.equals(zone)) {
                    return problem(400, "Invalid request", "unknown zone '" + z + "'; configured: [" + zone + "]");
                }
                if (!n.equals(zone) && !n.endsWith("." + zone)) {
                    return problem(400, "Invalid request", "name '" + n + "' is outside the zone " + zone + " (give the full name, e.g. www." + zone + ")");
                }
                String current = n.equals(name) && s.type().equals("A") ? value : null;
                String before = value;
                String outcome;
                if (s.to().equals(current)) {
                    outcome = s.dryRun() ? "DRY_RUN" : "ALREADY_DONE";
                } else if (s.from().equals(current)) {
                    outcome = s.dryRun() ? "DRY_RUN" : "CHANGED";
                    if (!s.dryRun()) {
                        value = s.to();
                        switches++;
                    }
                } else {
                    ObjectNode conflict = JSON.createObjectNode().put("type", "about:blank").put("title", "Record is not in the expected state")
                            .put("status", 409).put("detail", n + " " + s.type() + " is neither " + s.from() + " nor " + s.to() + ": "
                                    + (current == null ? "no " + s.type() + " record" : "it is [" + current + "]"));
                    ArrayNode now = conflict.putArray("current");
                    if (current != null) {
                        now.addObject().put("value", current).put("ttl", 60).putNull("proxied").putNull("id");
                    }
                    return respond(409, conflict, "application/problem+json");
                }
                Instant at = Instant.now();
                ObjectNode done = JSON.createObjectNode().put("outcome", outcome).put("zone", zone).put("name", name).put("type", "A")
                        .put("provider", "knot");
                done.putObject("before").put("value", before).put("ttl", 60);
                done.putObject("after").put("value", s.dryRun() ? s.to() : value).put("ttl", s.ttl() == null ? 60 : s.ttl());
                done.put("providerResponseId", "update-" + switches).put("auditId", UUID.randomUUID().toString())
                        .put("at", at.toString()).put("cachesExpireAt", at.plusSeconds(60).toString());
                done.putArray("notes");
                return ok(200, done);
            }
            return problem(404, "Not found", method + " " + path);
        }

        private ResponseDefinition propagation(Request r) {
            String qName = query(r, "name");
            String qType = query(r, "type");
            String expected = query(r, "expected");
            String wait = query(r, "wait");
            if (qName == null || qName.isBlank() || expected == null || expected.isBlank()) {
                return problem(400, "Invalid request", "name and expected are required");
            }
            try {
                dev.baton.common.api.QueryDurations.parse("wait", wait);
            } catch (IllegalArgumentException e) {
                return problem(400, "Invalid request", e.getMessage());
            }
            String answering = propagationStalls ? "192.0.2.1" : value;
            boolean complete = answering.equals(expected);
            ObjectNode report = JSON.createObjectNode().put("name", qName).put("type", qType == null ? "A" : qType).put("expected", expected)
                    .put("zone", zone).put("complete", complete).put("timedOut", !complete && wait != null).put("rounds", 1)
                    .put("elapsedMs", 5).put("checkedAt", Instant.now().toString());
            ArrayNode ns = report.putArray("nameservers");
            for (String server : List.of("ns1", "ns2")) {
                ObjectNode a = ns.addObject().put("server", server + "." + zone).put("host", "127.0.0.1:53").put("informational", false)
                        .put("authoritative", true).put("rcode", "NOERROR");
                a.putArray("answers").add(answering);
                a.put("ttl", 60).put("soaSerial", 2026120501L).put("matches", complete).putNull("error");
            }
            report.put("resolversAgree", complete).putArray("resolvers");
            return ok(200, report);
        }
    }

    /** The common bearer filter: a mutating call without a configured token is a 401 problem. */
    private static ResponseDefinition unauthorized(Request r, String token) {
        String auth = r.getHeader("Authorization");
        if (("Bearer " + token).equals(auth)) {
            return null;
        }
        return problem(401, "Unauthorized", auth == null ? "missing bearer token" : "invalid bearer token");
    }

    /** The body read as the service reads it, then validated as {@code @Valid} does; a 400 problem when either fails. */
    private static Object parse(Request r, Class<?> type) {
        Object value;
        try {
            value = JSON.readValue(r.getBodyAsString(), type);
        } catch (IOException e) {
            return problem(400, "Invalid request", "request body is not a valid " + type.getSimpleName());
        }
        if (value == null) {
            return problem(400, "Invalid request", "request body is required");
        }
        Set<ConstraintViolation<Object>> violations = VALIDATOR.validate(value);
        if (!violations.isEmpty()) {
            return problem(400, "Invalid request", violations.stream().map(v -> v.getPropertyPath() + " " + v.getMessage())
                    .sorted().collect(Collectors.joining("; ")));
        }
        return value;
    }

    private static String query(Request r, String name) {
        var p = r.queryParameter(name);
        return p.isPresent() ? p.firstValue() : null;
    }

    private static ResponseDefinition ok(int status, ObjectNode body) {
        return respond(status, body, "application/json");
    }

    private static ResponseDefinition problem(int status, String title, String detail) {
        ObjectNode p = JSON.createObjectNode().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail);
        return respond(status, p, "application/problem+json");
    }

    private static ResponseDefinition respond(int status, ObjectNode body, String contentType) {
        return WireMock.aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(body.toString()).build();
    }
}
