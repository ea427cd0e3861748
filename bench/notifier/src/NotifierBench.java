import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.baton.common.testing.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Notifier benchmark (a program, not a test). Starts an embedded PostgreSQL, a fake webhook channel on 127.0.0.1
 * and the packaged notifier (target/quarkus-app) as a child process, then measures:
 * 1. accepted alerts/s (POST /api/v1/alerts → 202 with the outbox row committed), CONCURRENCY parallel clients;
 * 2. accept → channel latency p50/p99 at a steady PACED_RATE alerts/s, measured from the client starting the
 *    POST to the fake channel receiving the alert (same clock; an upper bound, as it includes the POST itself);
 * 3. an outage: the channel answers 503 for OUTAGE_SECONDS while alerts keep coming, then recovers; counts
 *    alerts posted, delivered, duplicated and lost.
 * Env: ALERTS (5000), CONCURRENCY (16), PACED_RATE (50), PACED_SECONDS (20), OUTAGE_SECONDS (60), OUTAGE_RATE (20),
 * MAX_BACKOFF (5s; the notifier's outbox.max-backoff).
 */
public final class NotifierBench {
    static final String TOKEN = "bench-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
    final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger refusedDuringOutage = new AtomicInteger();
    final AtomicBoolean outage = new AtomicBoolean();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI alerts;

    public static void main(String[] args) throws Exception {
        new NotifierBench().run(Path.of(args.length > 0 ? args[0] : "notifier/target/quarkus-app/quarkus-run.jar"));
    }

    static int env(String name, int dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    void run(Path jar) throws Exception {
        int alertsN = env("ALERTS", 5000);
        int concurrency = env("CONCURRENCY", 16);
        int pacedRate = env("PACED_RATE", 50);
        int pacedSeconds = env("PACED_SECONDS", 20);
        int outageSeconds = env("OUTAGE_SECONDS", 60);
        int outageRate = env("OUTAGE_RATE", 20);

        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.setExecutor(Executors.newFixedThreadPool(8));
        fake.createContext("/hook", exchange -> {
            long now = System.nanoTime();
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                if (outage.get()) {
                    refusedDuringOutage.incrementAndGet();
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                for (JsonNode a : JSON.readTree(body).path("alerts")) {
                    if (arrivedAt.putIfAbsent(a.path("key").asText(), now) != null) {
                        duplicates.incrementAndGet();
                    }
                }
                exchange.sendResponseHeaders(204, -1);
            } finally {
                exchange.close();
            }
        });
        fake.start();

        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=0",
                    "-Dquarkus.datasource.reactive.url=" + pg.reactiveUrl(),
                    "-Dquarkus.datasource.jdbc.url=" + pg.jdbcUrl(),
                    "-Dquarkus.datasource.username=" + EmbeddedPostgresServer.USER,
                    "-Dquarkus.datasource.password=unused",
                    "-Dquarkus.log.category.\"dev.baton\".level=WARN",
                    "-Dbaton.auth.tokens=" + TOKEN,
                    "-Dbaton.notifier.channels.bench.webhook.url=http://127.0.0.1:" + fake.getAddress().getPort() + "/hook",
                    "-Dbaton.notifier.channels.bench.webhook.secret=bench-secret-0123456789",
                    "-Dbaton.notifier.routes[0].channels=bench",
                    "-Dbaton.notifier.pipeline.group-wait=0s",
                    "-Dbaton.notifier.pipeline.group-by=bench_id",
                    "-Dbaton.notifier.outbox.initial-backoff=1s",
                    "-Dbaton.notifier.outbox.max-backoff=" + System.getenv().getOrDefault("MAX_BACKOFF", "5s"),
                    "-jar", jar.toString()));
            Path log = Path.of("notifier/target/bench-notifier.log");
            Process notifier = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                int port = awaitListening(log, notifier);
                alerts = URI.create("http://127.0.0.1:" + port + "/api/v1/alerts");
                awaitReady(port);
                System.out.printf("machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                        System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));

                post("warmup", 300, concurrency);
                awaitDelivered("warmup", 300, Duration.ofSeconds(60));

                long t0 = System.nanoTime();
                int ok = post("burst", alertsN, concurrency);
                double seconds = (System.nanoTime() - t0) / 1e9;
                awaitDelivered("burst", alertsN, Duration.ofSeconds(300));
                System.out.printf("throughput: %d alerts accepted (202) in %.2f s = %.0f alerts/s with %d clients%n",
                        ok, seconds, ok / seconds, concurrency);
                report("burst latency (queueing under saturation)", "burst", alertsN);

                paced("paced", pacedRate, pacedSeconds);
                awaitDelivered("paced", pacedRate * pacedSeconds, Duration.ofSeconds(120));
                report("steady latency at " + pacedRate + " alerts/s", "paced", pacedRate * pacedSeconds);

                outage.set(true);
                long outageStart = System.nanoTime();
                int posted = paced("outage", outageRate, outageSeconds);
                outage.set(false);
                long recovered = System.nanoTime();
                boolean all = awaitDelivered("outage", posted, Duration.ofSeconds(outageSeconds + 300L));
                long drained = System.nanoTime();
                long delivered = arrivedAt.keySet().stream().filter(k -> k.startsWith("outage-")).count();
                System.out.printf("outage: channel down %.0f s (503s answered: %d); %d alerts posted, %d delivered, %d lost, "
                        + "%d duplicates (all runs), backlog drained %.1f s after recovery%s%n",
                        (recovered - outageStart) / 1e9, refusedDuringOutage.get(), posted, delivered, posted - delivered,
                        duplicates.get(), (drained - recovered) / 1e9, all ? "" : " (TIMED OUT)");
            } finally {
                notifier.destroy();
                notifier.waitFor(30, TimeUnit.SECONDS);
                fake.stop(0);
            }
        }
        System.exit(0);
    }

    /** The notifier binds port 0; its log says which port it got. */
    static int awaitListening(Path log, Process p) throws Exception {
        Pattern listening = Pattern.compile("Listening on: http://127\\.0\\.0\\.1:(\\d+)");
        for (int i = 0; i < 600 && p.isAlive(); i++) {
            Matcher m = listening.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("notifier did not start; see " + log);
    }

    void awaitReady(int port) throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        for (int i = 0; i < 240; i++) {
            try {
                if (client.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("notifier did not become ready; see notifier/target/bench-notifier.log");
    }

    int post(String prefix, int n, int concurrency) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger ok = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            String key = prefix + "-" + i;
            pool.execute(() -> {
                if (postOne(key)) {
                    ok.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        return ok.get();
    }

    int paced(String prefix, int rate, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger ok = new AtomicInteger();
        long start = System.nanoTime();
        int total = rate * seconds;
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String key = prefix + "-" + i;
            pool.execute(() -> {
                if (postOne(key)) {
                    ok.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.MINUTES);
        return ok.get();
    }

    boolean postOne(String key) {
        try {
            String body = JSON.writeValueAsString(Map.of("severity", "CRITICAL", "title", "bench " + key, "message", "load",
                    "dedupKey", key, "source", "bench", "labels", Map.of("bench_id", key), "resolved", false));
            long sent = System.nanoTime();
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(alerts).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 202) {
                acceptedAt.put(key, sent);
                return true;
            }
            System.err.println("POST " + key + " -> " + r.statusCode());
        } catch (Exception e) {
            System.err.println("POST " + key + " failed: " + e);
        }
        return false;
    }

    boolean awaitDelivered(String prefix, int n, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (arrivedAt.keySet().stream().filter(k -> k.startsWith(prefix + "-")).count() >= n) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    void report(String label, String prefix, int n) {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Long acc = acceptedAt.get(prefix + "-" + i);
            Long arr = arrivedAt.get(prefix + "-" + i);
            if (acc != null && arr != null) {
                micros.add(Math.max(0, (arr - acc) / 1000));
            }
        }
        Collections.sort(micros);
        if (micros.isEmpty()) {
            System.out.println(label + ": no deliveries");
            return;
        }
        System.out.printf("%s: n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", label, micros.size(),
                micros.get(micros.size() / 2) / 1000.0, micros.get((int) Math.min(micros.size() - 1, Math.ceil(micros.size() * 0.99) - 1)) / 1000.0,
                micros.get(micros.size() - 1) / 1000.0);
    }
}
