package dev.baton.healthchecker.probe;

import static dev.baton.healthchecker.testing.Checks.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.healthchecker.testing.TargetServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP probe against a real loopback server that answers well, badly, hugely, slowly or never. */
class HttpProbeTest {
    private static final String CONNECTED = "components.ib_gateway.connected == true";
    /** A first TLS handshake on a cold JVM on a busy 2-core machine can take a while. */
    private static final Map<String, String> SLOW_TLS = Map.of("timeout", "10s", "interval", "20s");
    private static Vertx vertx;
    private static HttpProbe probe;
    private static TargetServer target;
    private static HttpServer tls;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        probe = new HttpProbe(vertx, new ObjectMapper());
        target = TargetServer.http();
        Path p12 = Path.of(HttpProbeTest.class.getResource("/tls/server.p12").toURI());
        tls = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1").setPort(0)
                        .setKeyCertOptions(new PfxOptions().setPath(p12.toString()).setPassword("changeit").setAlias("server")))
                .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(TargetServer.HEALTHY))
                .listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        probe.close();
        target.close();
        tls.close();
        vertx.close();
    }

    private static ProbeOutcome run(CheckDefinition check) throws Exception {
        return probe.probe(check).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void theEngineIsUpWhenItsBrokerGatewayIsConnected() throws Exception {
        ProbeOutcome outcome = run(check("http", target.url("/ok"), Map.of("http.json-equals", CONNECTED,
                "http.body-regex", "\"status\":\"ok\"")));
        assertThat(outcome.success()).as(outcome.message()).isTrue();
        assertThat(outcome.latency()).isPositive();
        assertThat(outcome.certificateNotAfter()).isEmpty();
    }

    @Test
    void aDisconnectedBrokerGatewayIsDownAndSaysWhy() throws Exception {
        ProbeOutcome outcome = run(check("http", target.url("/disconnected"), Map.of("http.json-equals", CONNECTED)));
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).isEqualTo("components.ib_gateway.connected is false, expected true");
    }

    @Test
    void anUnexpectedStatusIsDownUnlessListed() throws Exception {
        ProbeOutcome down = run(check("http", target.url("/down")));
        assertThat(down.success()).isFalse();
        assertThat(down.message()).isEqualTo("HTTP 503, expected [200]");
        assertThat(run(check("http", target.url("/down"), Map.of("http.expected-status", "200,503"))).success()).isTrue();
    }

    @Test
    void aMissingJsonFieldOrAGarbageBodyIsDown() throws Exception {
        ProbeOutcome missing = run(check("http", target.url("/ok"), Map.of("http.json-equals", "components.redis.ok == true")));
        assertThat(missing.message()).isEqualTo("components.redis.ok is missing, expected true");
        ProbeOutcome garbage = run(check("http", target.url("/garbage"), Map.of("http.json-equals", CONNECTED)));
        assertThat(garbage.success()).isFalse();
        assertThat(garbage.message()).startsWith("body is not JSON");
        ProbeOutcome regex = run(check("http", target.url("/garbage"), Map.of("http.body-regex", "\"status\":\"ok\"")));
        assertThat(regex.message()).isEqualTo("body does not match /\"status\":\"ok\"/");
        ProbeOutcome word = run(check("http", target.url("/ok"), Map.of("http.json-equals", "status == ok")));
        assertThat(word.success()).as(word.message()).isTrue();
    }

    @Test
    void aHugeBodyIsCutOffNotBuffered() throws Exception {
        ProbeOutcome withConditions = run(check("http", target.url("/huge"), Map.of("http.json-equals", CONNECTED)));
        assertThat(withConditions.success()).isFalse();
        assertThat(withConditions.message()).isEqualTo("HTTP 200 with a body larger than 65536 bytes (http.max-body-bytes)");
        // without conditions on the body only the status matters
        assertThat(run(check("http", target.url("/huge"))).success()).isTrue();
    }

    @Test
    void aHungOrSlowlorisTargetCostsOneTimeout() throws Exception {
        ProbeOutcome hung = run(check("http", target.url("/hang"), Map.of("timeout", "1s")));
        assertThat(hung.success()).isFalse();
        assertThat(hung.message()).isEqualTo("no complete response within 1000 ms");
        ProbeOutcome slowloris = run(check("http", target.url("/slowloris"), Map.of("http.json-equals", CONNECTED, "timeout", "1s")));
        assertThat(slowloris.success()).isFalse();
        assertThat(slowloris.message()).isEqualTo("no complete response within 1000 ms");
        // and the prober is not wedged by them
        assertThat(run(check("http", target.url("/ok"))).success()).isTrue();
    }

    @Test
    void aSlowAnswerFailsTheLatencyCondition() throws Exception {
        ProbeOutcome outcome = run(check("http", target.url("/ok"), Map.of("http.max-latency", "PT0.000001S")));
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).contains("more than http.max-latency");
    }

    @Test
    void aClosedPortIsDown() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeOutcome outcome = run(check("http", "http://127.0.0.1:" + port + "/health"));
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).startsWith("connection refused");
    }

    @Test
    void anUntrustedCertificateIsDownWhileVerificationIsOn() throws Exception {
        ProbeOutcome outcome = run(check("http", tlsUrl(), SLOW_TLS));
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).startsWith("TLS:");
    }

    @Test
    void theLeafCertificatesExpiryIsReportedNotTheChainsEarliest() throws Exception {
        Instant leaf = notAfter("/tls/leaf.pem");
        Instant ca = notAfter("/tls/ca.pem");
        assertThat(ca).isBefore(leaf);

        Path caPem = Path.of(HttpProbeTest.class.getResource("/tls/ca.pem").toURI());
        ProbeOutcome trusted = run(check("http", tlsUrl(), with(SLOW_TLS, "http.ca-cert", caPem.toString())));
        assertThat(trusted.success()).as(trusted.message()).isTrue();
        assertThat(trusted.certificateNotAfter()).contains(leaf);

        ProbeOutcome unverified = run(check("http", tlsUrl(), with(SLOW_TLS, "http.tls-verify", "false")));
        assertThat(unverified.success()).as(unverified.message()).isTrue();
        assertThat(unverified.certificateNotAfter()).contains(leaf);
    }

    private static String tlsUrl() {
        return "https://127.0.0.1:" + tls.actualPort() + "/ok";
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(base);
        all.put(key, value);
        return all;
    }

    private static Instant notAfter(String resource) throws Exception {
        try (InputStream in = HttpProbeTest.class.getResourceAsStream(resource)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return cert.getNotAfter().toInstant();
        }
    }
}
