package dev.baton.drill.run;

import dev.baton.common.testing.Placement;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Baton service started from its built jar ({@code <module>/target/quarkus-app/quarkus-run.jar})
 * with configuration passed as environment variables, exactly as a container would run it.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    private final Placement placement;
    private Process process;

    public ServiceProcess(String name, Path jar, int port, Map<String, String> env, Path logDir) {
        this(name, jar, Placement.LOOPBACK, port, env, logDir);
    }

    /** A service of one place: started through {@code placement}'s launcher, listening on its address. */
    public ServiceProcess(String name, Path jar, Placement placement, int port, Map<String, String> env, Path logDir) {
        this.name = name;
        this.placement = placement;
        this.jar = jar;
        this.port = port;
        this.env = new LinkedHashMap<>(env);
        this.env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        this.env.put("QUARKUS_HTTP_HOST", placement.host());
        this.log = logDir.resolve(name + ".log");
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://" + placement.host() + ":" + port;
    }

    public Path log() {
        return log;
    }

    public synchronized void start() throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing: build first (./mvnw -B package -DskipTests)");
        }
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(placement.command(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
    }

    /** Waits until {@code /q/health/ready} answers 200, or fails with the tail of the log. */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + "; see " + log + ":\n" + tail(20));
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IOException(name + " not ready after " + timeout + "; see " + log + ":\n" + tail(20));
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the crash of a coordinator mid-failover, say. */
    public synchronized void kill() throws InterruptedException {
        if (isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM and wait; SIGKILL if it will not go. */
    public synchronized void stop() throws InterruptedException {
        if (isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** Sends {@code signal} ({@code STOP}, {@code CONT}) to the service: a hung process, then a resumed one. */
    public synchronized void signal(String signal) throws IOException, InterruptedException {
        if (isAlive()) {
            new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        }
    }

    public String tail(int lines) {
        try {
            var all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
