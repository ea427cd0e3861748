package dev.baton.coordinator.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver HTTP API with {@code java.net.http}: the few
 * commands a page test needs (open, run a script, resize, screenshot) without a Selenium dependency. Debian's
 * {@code chromium} and {@code chromium-driver} by default; {@code -Dbaton.chromium=} and {@code -Dbaton.chromedriver=}
 * point elsewhere. Everything stays on 127.0.0.1, with a fresh profile and Chromium's network chatter switched off.
 */
final class Chromium implements AutoCloseable {
    static final Path BROWSER = Path.of(System.getProperty("baton.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("baton.chromedriver", "/usr/bin/chromedriver"));
    /** The flags the closed network and running as root (in containers) need; no sandbox, GPU, sync or updates. */
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "--no-proxy-server", "--hide-scrollbars");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final Path profile;
    private final URI base;
    /** {@code /session/<id>}: the prefix of every command to this browser. */
    private final String session;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Why the browser test cannot run here, or null when Chromium and ChromeDriver are installed. */
    static String missing() {
        for (Path p : List.of(BROWSER, DRIVER)) {
            if (!Files.isExecutable(p)) {
                return p + " is not installed (Debian packages chromium and chromium-driver)";
            }
        }
        return null;
    }

    /** Starts ChromeDriver on a free loopback port and opens a browser window of the given size. */
    static Chromium start(int width, int height, Path logDir) throws IOException, InterruptedException {
        return new Chromium(width, height, logDir);
    }

    private Chromium(int width, int height, Path logDir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(logDir);
        profile = Files.createTempDirectory("baton-chromium-");
        driver = new ProcessBuilder(DRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(logDir.resolve("chromedriver.log").toFile()).start();
        base = URI.create("http://127.0.0.1:" + port);
        try {
            awaitReady(base);
            List<String> args = new java.util.ArrayList<>(FLAGS);
            args.add("--user-data-dir=" + profile);
            args.add("--window-size=" + width + "," + height);
            JsonNode created = send("POST", base.resolve("/session"), Map.of("capabilities", Map.of("alwaysMatch", Map.of(
                    "browserName", "chrome",
                    "goog:chromeOptions", Map.of("binary", BROWSER.toString(), "args", args)))));
            session = "/session/" + created.path("sessionId").asText();
        } catch (IOException | RuntimeException e) {
            stopDriver();
            throw e;
        }
    }

    /** ChromeDriver answers {@code GET /status} with {@code ready: true} once it accepts sessions; bounded wait. */
    private void awaitReady(URI base) throws IOException {
        try {
            Awaitility.await("chromedriver ready on " + base).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!driver.isAlive()) {
                            throw new IOException("chromedriver exited with " + driver.exitValue() + " (see chromedriver.log)");
                        }
                        try {
                            return send("GET", base.resolve("/status"), null).path("ready").asBoolean(false);
                        } catch (IOException notYet) {
                            return false; // not listening yet
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new IOException("chromedriver did not become ready on " + base, e);
        }
    }

    void open(String url) throws IOException, InterruptedException {
        command("POST", "url", Map.of("url", url));
    }

    /** Runs {@code script} (a function body; {@code return} its answer) in the page and returns the answer. */
    JsonNode script(String script) throws IOException, InterruptedException {
        return command("POST", "execute/sync", Map.of("script", script, "args", List.of()));
    }

    /** The text of the element with this id, as the user sees it. */
    String text(String id) throws IOException, InterruptedException {
        return script("var e = document.getElementById('" + id + "'); return e ? e.innerText : null;").asText();
    }

    void resize(int width, int height) throws IOException, InterruptedException {
        command("POST", "window/rect", Map.of("width", width, "height", height));
    }

    /** A PNG of the window; resize to the page's height first for the whole page. */
    byte[] screenshot() throws IOException, InterruptedException {
        return Base64.getDecoder().decode(command("GET", "screenshot", null).asText());
    }

    private JsonNode command(String method, String path, Object body) throws IOException, InterruptedException {
        return send(method, base.resolve(session + "/" + path), body);
    }

    /** One WebDriver call; a W3C error ({@code value.error}) becomes an IOException with its message. */
    private JsonNode send(String method, URI uri, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(COMMAND_TIMEOUT).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode value = JSON.readTree(response.body()).path("value");
        if (response.statusCode() >= 400 || value.has("error")) {
            throw new IOException("WebDriver " + method + " " + uri.getPath() + ": " + response.statusCode() + " "
                    + value.path("error").asText() + ": " + value.path("message").asText());
        }
        return value;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                send("DELETE", base.resolve(session), null);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the driver going away below ends the browser too
        } finally {
            stopDriver();
        }
    }

    /** Ends ChromeDriver and whatever browser processes it started (by process handle, nothing else). */
    private void stopDriver() {
        driver.descendants().forEach(ProcessHandle::destroy);
        driver.destroy();
        try {
            if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            driver.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
