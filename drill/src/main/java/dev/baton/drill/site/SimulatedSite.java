package dev.baton.drill.site;

import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedSshServer;
import dev.baton.drill.engine.FakeEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One simulated site: a root directory ({@code state/}, {@code .env}, {@code .baton/}), an SSH server
 * rooted there, and a trading engine that {@code docker compose} over that SSH starts and stops as
 * a real child process. Faults are injected here: crash, hang, unreachable, reboot.
 */
public final class SimulatedSite implements AutoCloseable {
    public static final String ENGINE = "trading-engine";

    /** One start or stop of the engine, and what caused it. */
    public record EngineEvent(Instant at, String site, boolean running, String cause) {
    }

    private final String name;
    private final Path root;
    private final int enginePort;
    private final String brokerUrl;
    private final String account;
    private final List<EngineEvent> events = new CopyOnWriteArrayList<>();
    private final EmbeddedSshServer ssh;
    private Process engine;

    public SimulatedSite(String name, Path root, String brokerUrl, String account) throws IOException {
        this.name = name;
        this.root = Files.createDirectories(root);
        Files.createDirectories(root.resolve("state"));
        this.enginePort = freePort();
        this.brokerUrl = brokerUrl;
        this.account = account;
        this.ssh = EmbeddedSshServer.start(root, this::handle);
    }

    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    public int enginePort() {
        return enginePort;
    }

    public EmbeddedSshServer ssh() {
        return ssh;
    }

    public List<EngineEvent> events() {
        return List.copyOf(events);
    }

    public synchronized boolean engineRunning() {
        return engine != null && engine.isAlive();
    }

    /** Starts the engine as compose's restart policy would after a reboot: no command involved. */
    public synchronized void bringBackEngine() throws IOException {
        startEngine("restart policy");
    }

    /** The engine dies (SIGKILL): no logout, the broker session goes silent. */
    public synchronized void crashEngine() {
        if (engineRunning()) {
            engine.destroyForcibly();
            waitFor(engine);
            events.add(new EngineEvent(Instant.now(), name, false, "crash"));
        }
    }

    /** The engine hangs (SIGSTOP): the process lives but answers nothing. */
    public synchronized void hangEngine() throws IOException {
        signal("STOP");
    }

    public synchronized void resumeEngine() throws IOException {
        signal("CONT");
    }

    /** The whole site drops off the network as far as SSH is concerned. */
    public void cutSsh() throws IOException {
        ssh.stop();
    }

    public void restoreSsh() throws IOException {
        ssh.restart();
    }

    private synchronized CommandHandler.Reply handle(CommandHandler.Request request) throws IOException {
        List<String> words = List.of(request.command().trim().split("\\s+"));
        if (words.size() >= 2 && words.get(0).equals("docker") && words.get(1).equals("inspect")) {
            return CommandHandler.Reply.ok(engineRunning() + "\n");
        }
        if (words.size() < 3 || !words.get(0).equals("docker") || !words.get(1).equals("compose")) {
            return CommandHandler.Reply.fail(127, "sh: " + words.get(0) + ": not found\n");
        }
        List<String> rest = new ArrayList<>(words.subList(2, words.size()));
        while (rest.size() >= 2 && rest.get(0).startsWith("-") && !rest.get(0).equals("-d")) {
            rest.remove(0);
            rest.remove(0);
        }
        String verb = rest.isEmpty() ? "" : rest.get(0);
        switch (verb) {
            case "up", "start", "restart" -> startEngine("compose " + verb + " (epoch " + request.env().getOrDefault("BATON_EPOCH", "?") + ")");
            case "stop", "down", "kill" -> stopEngine("compose " + verb);
            case "ps" -> {
                return CommandHandler.Reply.ok(engineRunning() ? ENGINE + "\n" : "");
            }
            default -> {
                return CommandHandler.Reply.fail(1, "unknown docker compose command: " + verb + "\n");
            }
        }
        return CommandHandler.Reply.ok("");
    }

    private synchronized void startEngine(String cause) throws IOException {
        if (engineRunning()) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), FakeEngine.class.getName(),
                name, root.toString(), String.valueOf(enginePort), brokerUrl, account)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("engine.out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(root.resolve("engine.err").toFile()));
        engine = pb.start();
        events.add(new EngineEvent(Instant.now(), name, true, cause));
    }

    private synchronized void stopEngine(String cause) throws IOException {
        if (!engineRunning()) {
            return;
        }
        signal("CONT"); // a stopped process would ignore SIGTERM until resumed
        engine.destroy();
        if (!waitFor(engine)) {
            engine.destroyForcibly();
            waitFor(engine);
        }
        events.add(new EngineEvent(Instant.now(), name, false, cause));
    }

    private void signal(String sig) throws IOException {
        if (engineRunning()) {
            try {
                new ProcessBuilder("kill", "-" + sig, String.valueOf(engine.pid())).start().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean waitFor(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        stopEngine("drill shutdown");
        ssh.close();
    }
}
