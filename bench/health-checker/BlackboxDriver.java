import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives blackbox_exporter like Prometheus would for 1,000 targets scraped every second: a bounded
 * loop of RATE x SECONDS /probe requests, evenly paced, over distinct target URLs.
 * Usage: java BlackboxDriver.java EXPORTER_URL TARGET_PORT TARGETS RATE SECONDS
 */
public class BlackboxDriver {
    public static void main(String[] args) throws Exception {
        String exporter = args[0];
        int targetPort = Integer.parseInt(args[1]);
        int targets = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long total = (long) rate * seconds;
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[(int) Math.min(total, 100_000)];
        for (long i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String target = "http://127.0.0.1:" + targetPort + "/health?c=" + (i % targets);
            HttpRequest request = HttpRequest.newBuilder(URI.create(exporter + "/probe?module=http_2xx&target="
                    + java.net.URLEncoder.encode(target, java.nio.charset.StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(5)).build();
            inFlight[(int) (i % inFlight.length)] = client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> {
                        if (e == null && r.statusCode() == 200 && r.body().contains("probe_success 1")) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    });
        }
        for (CompletableFuture<?> f : inFlight) {
            if (f != null) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // counted as failed
                }
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("probes_ok=%d probes_failed=%d elapsed_s=%.1f rate=%.1f%n", ok.get(), failed.get(), elapsed,
                (ok.get() + failed.get()) / elapsed);
    }
}
