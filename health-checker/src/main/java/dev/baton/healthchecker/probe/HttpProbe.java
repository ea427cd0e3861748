package dev.baton.healthchecker.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.healthchecker.probe.CheckDefinition.Http;
import dev.baton.common.json.JsonCondition;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * HTTP(S) probe on the Vert.x event loop (non-blocking). One deadline covers connect, headers and
 * body: a slowloris target is cut at the check's timeout. At most {@code maxBodyBytes} are kept; a
 * larger body ends the connection. For https the expiry reported is the leaf certificate's.
 */
@ApplicationScoped
public class HttpProbe implements Probe {
    private static final String USER_AGENT = "baton-health-checker";

    private final Vertx vertx;
    private final ObjectMapper json;
    private final Map<ClientKey, HttpClient> clients = new ConcurrentHashMap<>();

    private record ClientKey(boolean verify, Optional<Path> caCert) {
    }

    public HttpProbe(Vertx vertx, ObjectMapper json) {
        this.vertx = vertx;
        this.json = json;
    }

    @Override
    public CheckType type() {
        return CheckType.HTTP;
    }

    @Override
    public CompletionStage<ProbeOutcome> probe(CheckDefinition check) {
        return new Attempt(check, (Http) check.options()).start();
    }

    private HttpClient client(Http h) {
        return clients.computeIfAbsent(new ClientKey(h.tlsVerify(), h.caCert()), key -> {
            HttpClientOptions options = new HttpClientOptions()
                    .setMaxPoolSize(64)
                    .setKeepAlive(true)
                    .setTrustAll(!key.verify())
                    .setVerifyHost(key.verify())
                    .setDecompressionSupported(false)
                    .setMaxHeaderSize(16 * 1024);
            key.caCert().ifPresent(path -> options.setPemTrustOptions(new PemTrustOptions().addCertPath(path.toString())));
            return vertx.createHttpClient(options);
        });
    }

    /** One request; completes exactly once, whichever of response, error or deadline comes first. */
    private final class Attempt {
        private final CheckDefinition check;
        private final Http http;
        private final CompletableFuture<ProbeOutcome> result = new CompletableFuture<>();
        private final AtomicReference<HttpClientRequest> request = new AtomicReference<>();
        private final long start = System.nanoTime();
        private volatile boolean bodyEnded;
        private long deadlineTimer;

        Attempt(CheckDefinition check, Http http) {
            this.check = check;
            this.http = http;
        }

        CompletionStage<ProbeOutcome> start() {
            long timeoutMs = Math.max(1, check.timeout().toMillis());
            deadlineTimer = vertx.setTimer(timeoutMs, id -> {
                finish(ProbeOutcome.down(elapsed(), "no complete response within " + timeoutMs + " ms"));
                if (!bodyEnded) {
                    reset();
                }
            });
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.valueOf(http.method()))
                    .setAbsoluteURI(http.uri().toString())
                    .setConnectTimeout(timeoutMs)
                    .setIdleTimeout(timeoutMs)
                    .addHeader("User-Agent", USER_AGENT);
            http.headers().forEach(options::addHeader);
            client(http).request(options).onComplete(ar -> {
                if (ar.failed()) {
                    finish(ProbeOutcome.down(elapsed(), describe(ar.cause())));
                    return;
                }
                HttpClientRequest req = ar.result();
                req.exceptionHandler(e -> finish(ProbeOutcome.down(elapsed(), describe(e))));
                request.set(req);
                if (result.isDone()) {
                    reset();
                    return;
                }
                (http.body().isPresent() ? req.send(Buffer.buffer(http.body().get())) : req.send()).onComplete(rar -> {
                    if (rar.failed()) {
                        finish(ProbeOutcome.down(elapsed(), describe(rar.cause())));
                    } else {
                        onResponse(rar.result());
                    }
                });
            });
            return result;
        }

        private void onResponse(HttpClientResponse response) {
            Instant notAfter = leafNotAfter(response.request().connection());
            int status = response.statusCode();
            Buffer body = Buffer.buffer();
            long[] received = {0};
            response.exceptionHandler(e -> finish(ProbeOutcome.down(elapsed(), describe(e))));
            response.endHandler(v -> {
                bodyEnded = true;
                vertx.cancelTimer(deadlineTimer);
                if (http.readsBody()) {
                    finish(evaluate(status, body.toString(StandardCharsets.UTF_8), notAfter));
                }
            });
            response.handler(chunk -> {
                received[0] += chunk.length();
                if (received[0] > http.maxBodyBytes()) {
                    if (http.readsBody()) {
                        finish(ProbeOutcome.down(elapsed(), "HTTP " + status + " with a body larger than "
                                + http.maxBodyBytes() + " bytes (http.max-body-bytes)").withCertificateNotAfter(notAfter));
                    }
                    reset();
                } else if (http.readsBody()) {
                    body.appendBuffer(chunk);
                }
            });
            if (!http.readsBody()) {
                // the verdict needs only the status; the body is drained (bounded, by the deadline) to reuse the connection
                finish(evaluate(status, null, notAfter));
            }
        }

        private ProbeOutcome evaluate(int status, String body, Instant notAfter) {
            Duration latency = elapsed();
            ProbeOutcome outcome = verdict(status, body, latency);
            return outcome.withCertificateNotAfter(notAfter);
        }

        private ProbeOutcome verdict(int status, String body, Duration latency) {
            if (!http.expectedStatus().contains(status)) {
                return ProbeOutcome.down(latency, "HTTP " + status + ", expected " + http.expectedStatus());
            }
            if (http.maxLatency().isPresent() && latency.compareTo(http.maxLatency().get()) > 0) {
                return ProbeOutcome.down(latency, "took " + latency.toMillis() + " ms, more than http.max-latency "
                        + http.maxLatency().get().toMillis() + " ms");
            }
            if (http.bodyRegex().isPresent() && !http.bodyRegex().get().matcher(body).find()) {
                return ProbeOutcome.down(latency, "body does not match /" + http.bodyRegex().get().pattern() + "/");
            }
            if (!http.jsonEquals().isEmpty()) {
                JsonNode root;
                try {
                    root = json.readTree(body);
                } catch (JsonProcessingException e) {
                    return ProbeOutcome.down(latency, "body is not JSON: " + e.getOriginalMessage());
                }
                for (JsonCondition condition : http.jsonEquals()) {
                    Optional<String> failure = condition.check(json, root);
                    if (failure.isPresent()) {
                        return ProbeOutcome.down(latency, failure.get());
                    }
                }
            }
            return ProbeOutcome.up(latency);
        }

        private void finish(ProbeOutcome outcome) {
            result.complete(outcome);
        }

        private void reset() {
            HttpClientRequest req = request.get();
            if (req != null) {
                req.reset();
            }
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /** The expiry of the certificate the server itself presented (index 0), not the earliest in its chain. */
    static Instant leafNotAfter(HttpConnection connection) {
        if (connection == null || !connection.isSsl()) {
            return null;
        }
        try {
            List<Certificate> chain = connection.peerCertificates();
            if (!chain.isEmpty() && chain.get(0) instanceof X509Certificate leaf) {
                return leaf.getNotAfter().toInstant();
            }
        } catch (SSLPeerUnverifiedException e) {
            // no certificate to report
        }
        return null;
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.GeneralSecurityException) {
                return "TLS: " + message;
            }
        }
        if (root instanceof java.net.ConnectException) {
            return "connection refused: " + message;
        }
        return message;
    }

    @PreDestroy
    void close() {
        clients.values().forEach(HttpClient::close);
    }
}
