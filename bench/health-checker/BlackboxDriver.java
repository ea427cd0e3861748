import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives blackbox_exporter the way Prometheus would for TARGETS targets scraped every second: a bounded
 * loop of RATE x SECONDS /probe requests, evenly paced (a Vert.x periodic timer, 1 ms), over distinct
 * target URLs, on keep-alive connections. Counts a probe as ok when the exporter says probe_success 1.
 * Usage: java -cp "<quarkus-app/lib/main/*>" BlackboxDriver.java EXPORTER_PORT TARGET_PORT TARGETS RATE SECONDS
 */
public class BlackboxDriver {
    public static void main(String[] args) throws Exception {
        int exporterPort = Integer.parseInt(args[0]);
        int targetPort = Integer.parseInt(args[1]);
        int targets = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        long total = (long) rate * seconds;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(2000).setKeepAlive(true));
        AtomicLong sent = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>("");
        CountDownLatch done = new CountDownLatch(1);
        long start = System.nanoTime();
        vertx.setPeriodic(1, id -> {
            // catch up to the schedule: RATE per second, evenly
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            while (sent.get() < due) {
                long i = sent.getAndIncrement();
                String target = "http://127.0.0.1:" + targetPort + "/health?c=" + (i % targets);
                String uri = "/probe?module=http_2xx&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8);
                client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(exporterPort)
                                .setURI(uri).setTimeout(5000))
                        .compose(req -> req.send().compose(resp -> resp.body()))
                        .onComplete(ar -> {
                            if (ar.succeeded() && ar.result().toString().contains("\nprobe_success 1")) {
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet("", ar.failed() ? ar.cause().toString() : "probe_success 0");
                            }
                            if (ok.get() + failed.get() == total) {
                                done.countDown();
                            }
                        });
            }
            if (sent.get() >= total) {
                vertx.cancelTimer(id);
            }
        });
        done.await(seconds + 30L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("probes_ok=%d probes_failed=%d elapsed_s=%.1f rate=%.1f first_failure=%s%n", ok.get(), failed.get(),
                elapsed, (ok.get() + failed.get()) / elapsed, firstFailure.get());
        vertx.close();
    }
}
