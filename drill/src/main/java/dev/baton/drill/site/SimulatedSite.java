package dev.baton.drill.site;

import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.Placement;
import dev.baton.drill.engine.FakeEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One simulated site: a root directory ({@code state/}, {@code .env}, {@code .baton/}), an SSH server
 * rooted there, and a trading engine that {@code docker compose} over that SSH starts and stops as
 * a real child process. Faults are injected here: crash, hang, unreachable, reboot.
 *
 * <p>The engine "container" is one process. With a {@link StartGate} its entrypoint is the real
 * {@code deploy/site/baton-gate} script, which execs the engine only when Baton's coordinator says this
 * site is active: every start goes through it, by {@code compose up} and by the restart policy alike, as
 * the entrypoint of a real container does. Without one (the site tested alone) the engine starts directly.
 */
public final class SimulatedSite implements AutoCloseable {
    public static final String ENGINE = "trading-engine";

    /** One start or stop of the engine, and what caused it. */
    public record EngineEvent(Instant at, String site, boolean running, String cause) {
    }

    /**
     * The engine's start gate: {@code script} ({@code deploy/site/baton-gate}) asks {@code coordinators}
     * (comma separated base URLs), keeps asking for at most {@code waitSeconds} while the answer is "not yet"; with
     * {@code leaseSeconds} above 0 it then runs the engine as its child under that lease ({@code BATON_GATE_LEASE}).
     */
    public record StartGate(Path script, String coordinators, int waitSeconds, int leaseSeconds) {
        public StartGate(Path script, String coordinators, int waitSeconds) {
            this(script, coordinators, waitSeconds, 0);
        }
    }

    /** The gate's exit codes for "refused" and "cannot tell" (see deploy/site/baton-gate). */
    private static final int GATE_REFUSED = 3;
    private static final int GATE_CANNOT_TELL = 4;

    private final String name;
    private final Path root;
    private final int enginePort;
    private final String brokerUrl;
    private final String account;
    private final List<EngineEvent> events = new CopyOnWriteArrayList<>();
    private final SiteSsh ssh;
    private final Placement placement;
    private Process engine;
    /** The engine process the drill itself stopped or crashed last (its exit is recorded by whoever stopped it). */
    private volatile Process ended;
    private volatile StartGate gate;
    private volatile Map<String, String> engineEnvironment = Map.of();
    /** How much of engine.out earlier runs wrote (a world serves many runs): {@link #lastOutput} reads after it. */
    private volatile long outputMark;

    public SimulatedSite(String name, Path root, String brokerUrl, String account) throws IOException {
        this(name, root, brokerUrl, account, Placement.LOOPBACK, List.of());
    }

    /**
     * A site whose engine and sshd run where {@code placement} says (a namespace of the drill's namespace world) and
     * whose {@code docker} reaches the drill through {@code toOps} ({@code ip netns exec} into the drill's namespace).
     */
    public SimulatedSite(String name, Path root, String brokerUrl, String account, Placement placement, List<String> toOps)
            throws IOException {
        this.name = name;
        this.placement = placement;
        this.root = Files.createDirectories(root);
        Files.createDirectories(root.resolve("state"));
        this.enginePort = freePort();
        this.brokerUrl = brokerUrl;
        this.account = account;
        if (!placement.launcher().isEmpty() && !OpenSshSiteSsh.available()) {
            throw new IOException("a site in a network namespace runs Debian's OpenSSH sshd: apt-get install openssh-server curl");
        }
        this.ssh = !placement.launcher().isEmpty() || openSsh() ? OpenSshSiteSsh.start(name, this.root, this::handle, placement, toOps)
                : new MinaSiteSsh(this.root, this::handle);
    }

    /**
     * Whether the sites run Debian's OpenSSH sshd: {@code BATON_DRILL_SSH=openssh} requires it, {@code mina} forces
     * the embedded server, unset (or {@code auto}) takes OpenSSH when it is installed.
     */
    static boolean openSsh() {
        String choice = System.getenv().getOrDefault("BATON_DRILL_SSH", "auto");
        return switch (choice) {
            case "mina" -> false;
            case "openssh" -> {
                if (!OpenSshSiteSsh.available()) {
                    throw new IllegalStateException("BATON_DRILL_SSH=openssh but /usr/sbin/sshd, ssh-keygen, ssh-keyscan or curl is missing"
                            + " (apt-get install openssh-server curl)");
                }
                yield true;
            }
            default -> OpenSshSiteSsh.available();
        };
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

    /** The address the site's engine and sshd listen on. */
    public String address() {
        return placement.host();
    }

    public SiteSsh ssh() {
        return ssh;
    }

    public List<EngineEvent> events() {
        return List.copyOf(events);
    }

    /** How much the engine's start gate (and the engine) has written to {@code engine.err} so far. */
    public long gateLogSize() throws IOException {
        Path err = root.resolve("engine.err");
        return Files.exists(err) ? Files.size(err) : 0;
    }

    /** What the start gate (and the engine) wrote to {@code engine.err} after {@code offset} ({@link #gateLogSize()}). */
    public String gateLogSince(long offset) throws IOException {
        Path err = root.resolve("engine.err");
        if (!Files.exists(err)) {
            return "";
        }
        try (java.nio.channels.SeekableByteChannel in = Files.newByteChannel(err)) {
            in.position(Math.min(offset, in.size()));
            return new String(java.nio.channels.Channels.newInputStream(in).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Every later engine start goes through {@code gate}. */
    /** Extra environment for every engine started from now on (the drill's database world: where it writes orders). */
    public void engineEnvironment(Map<String, String> env) {
        this.engineEnvironment = Map.copyOf(env);
    }

    public void useGate(StartGate gate) {
        this.gate = gate;
    }

    /** How many starts the gate refused (or could not decide) so far. */
    public long gateRefusals() {
        return events.stream().filter(e -> e.cause().startsWith("start gate")).count();
    }

    /** The engine (or its gate, still deciding) runs: what {@code docker compose ps} lists as running. */
    public synchronized boolean engineRunning() {
        return engine != null && engine.isAlive();
    }

    /** Starts the engine as compose's restart policy would after a reboot: no command involved, the gate still asks. */
    public synchronized void bringBackEngine() throws IOException {
        startEngine("restart policy", null);
    }

    /**
     * The very first start, before Baton runs (installation): the gate is told to let it through with
     * {@code BATON_GATE_OVERRIDE}, as an operator bootstrapping a site would.
     */
    public synchronized void bootstrapEngine(String reason) throws IOException {
        startEngine("bootstrap", reason);
    }

    /** The engine dies (SIGKILL), with its container (the gate and what it runs): no logout, the broker session goes silent. */
    public synchronized void crashEngine() {
        stops++;
        if (engineRunning()) {
            List<ProcessHandle> inside = engine.descendants().toList();
            ended = engine;
            engine.destroyForcibly();
            inside.forEach(ProcessHandle::destroyForcibly);
            waitFor(engine);
            events.add(new EngineEvent(Instant.now(), name, false, "crash"));
        }
    }

    /**
     * The engine hangs (SIGSTOP): the process lives but answers nothing. Only the engine: a gate supervising it under
     * a lease goes on (a frozen container, gate included, is what a fencing endpoint is for).
     */
    public synchronized void hangEngine() throws IOException {
        signal("STOP", engineProcesses());
    }

    public synchronized void resumeEngine() throws IOException {
        signal("CONT", engineProcesses());
    }

    /** The engine's own process: the gate's child running java under a lease, else the container's process itself. */
    private List<Long> engineProcesses() {
        if (!engineRunning()) {
            return List.of();
        }
        List<Long> java = engine.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .map(ProcessHandle::pid).toList();
        return java.isEmpty() ? List.of(engine.pid()) : java;
    }

    /** An operator stops the engine by hand ({@code docker compose stop} on the host), e.g. before resolving DEGRADED. */
    public synchronized void stopEngineByHand() throws IOException {
        stopEngine("stopped by hand");
    }

    /** The next {@link #lastOutput} looks only at what the engine prints from now on. */
    public void markOutput() {
        try {
            Path out = root.resolve("engine.out");
            outputMark = Files.exists(out) ? Files.size(out) : 0;
        } catch (IOException e) {
            outputMark = 0;
        }
    }

    /**
     * The number on the last line starting with {@code prefix} that the engine printed since {@link #markOutput}
     * ({@code started-from-seq N}, {@code stopped-at-seq N}); -1 if none.
     */
    public long lastOutput(String prefix) {
        try {
            byte[] all = Files.readAllBytes(root.resolve("engine.out"));
            int from = (int) Math.min(outputMark, all.length);
            String text = new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
            long last = -1;
            for (String line : text.split("\\R")) {
                if (line.startsWith(prefix)) {
                    last = Long.parseLong(line.substring(prefix.length()).trim());
                }
            }
            return last;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
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
            case "up", "start", "restart" -> startEngine("compose " + verb + " (epoch " + request.env().getOrDefault("BATON_EPOCH", "?") + ")", null);
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

    private synchronized void startEngine(String cause, String override) throws IOException {
        if (engineRunning()) {
            return;
        }
        List<String> command = new ArrayList<>();
        StartGate g = gate;
        if (g != null) {
            // the container's entrypoint: the gate execs the engine in its own process when allowed
            command.addAll(List.of("sh", g.script().toString(), "--"));
        }
        command.addAll(List.of(javaBinary(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Dbaton.drill.host=" + placement.host(),
                "-cp", System.getProperty("java.class.path"), FakeEngine.class.getName(),
                name, root.toString(), String.valueOf(enginePort), brokerUrl, account));
        ProcessBuilder pb = new ProcessBuilder(placement.command(command))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("engine.out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(root.resolve("engine.err").toFile()));
        pb.environment().putAll(engineEnvironment);
        if (g != null) {
            Map<String, String> env = pb.environment();
            env.put("BATON_SITE", name);
            env.put("BATON_GATE_COORDINATORS", g.coordinators());
            env.put("BATON_GATE_EPOCH_FILE", root.resolve(".baton/epoch").toString());
            env.put("BATON_GATE_WAIT", String.valueOf(g.waitSeconds()));
            env.put("BATON_GATE_INTERVAL", "0.2");
            env.put("BATON_GATE_TIMEOUT", g.leaseSeconds() > 0 ? "0.5" : "2");
            if (g.leaseSeconds() > 0) {
                env.put("BATON_GATE_LEASE", String.valueOf(g.leaseSeconds()));
                env.put("BATON_GATE_RENEW", "0.5");
            }
            if (override != null) {
                env.put("BATON_GATE_OVERRIDE", override);
            }
        }
        Process started = pb.start();
        engine = started;
        events.add(new EngineEvent(Instant.now(), name, true, cause));
        Instant startedAt = Instant.now();
        started.onExit().thenAccept(p -> {
            int code = p.exitValue();
            if (code == GATE_REFUSED || code == GATE_CANNOT_TELL) {
                events.add(new EngineEvent(Instant.now(), name, false, "start gate " + (code == GATE_REFUSED ? "refused" : "could not tell")
                        + " (" + cause + ")"));
            } else if (p != ended) {
                // not stopped by compose or a crash: by itself, or by its gate when the lease was refused or ran out
                events.add(new EngineEvent(Instant.now(), name, false, "exited by itself (" + code + (g != null && g.leaseSeconds() > 0
                        ? ", see the gate's lease in engine.err)" : ")")));
            }
            if (restartPolicy && p != ended && code != GATE_REFUSED) {
                restartsScheduled.incrementAndGet();
                restartLater(Duration.between(startedAt, Instant.now()));
            }
            exitsHandled.incrementAndGet();
        });
    }

    /**
     * Docker's {@code restart: unless-stopped}, as the namespace world's sites run: an engine container that exits by
     * itself (killed by its gate when the lease ran out, or its gate could not tell) is started again after a back-off
     * (1 s, doubling to 8 s; back to 1 s after a run of 10 s or more), through its gate, which decides whether it may
     * trade. Not after compose stopped it or a fault killed it (the fault's heal decides), nor when either happens
     * during the back-off, and not after the gate refused: Docker would go on retrying a refused start with its
     * back-off, each refused the same way.
     */
    public void restartPolicy(boolean on) {
        this.restartPolicy = on;
    }

    private volatile boolean restartPolicy;
    /** Engine exits handled so far, and how many of them the restart policy answered with a restart (for tests). */
    final java.util.concurrent.atomic.AtomicInteger exitsHandled = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger restartsScheduled = new java.util.concurrent.atomic.AtomicInteger();
    /** Scheduled restarts not made because compose stopped the site, or a fault crashed it, during the back-off. */
    final java.util.concurrent.atomic.AtomicInteger restartsCancelled = new java.util.concurrent.atomic.AtomicInteger();

    /** The engine container's own process (the gate, when there is one), for tests that kill it from outside. */
    synchronized long enginePid() {
        return engine == null ? -1 : engine.pid();
    }
    private volatile boolean closed;
    private Duration backoff = Duration.ofSeconds(1);

    /** Compose stops and crashes so far: a restart scheduled before one of them is not made (Docker's "unless-stopped"). */
    private long stops;

    private synchronized void restartLater(Duration ran) {
        backoff = ran.compareTo(Duration.ofSeconds(10)) >= 0 ? Duration.ofSeconds(1) : backoff;
        Duration wait = backoff;
        long stopsThen = stops;
        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(8)) > 0 ? Duration.ofSeconds(8) : backoff.multipliedBy(2);
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(wait.toMillis());
                synchronized (this) {
                    if (stops != stopsThen) {
                        restartsCancelled.incrementAndGet();
                    } else if (!closed && !engineRunning()) {
                        startEngine("restart policy (after " + wait.toMillis() + " ms)", null);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                events.add(new EngineEvent(Instant.now(), name, false, "restart policy failed: " + e.getMessage()));
            }
        }, name + "-restart-policy");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void stopEngine(String cause) throws IOException {
        stops++;
        if (!engineRunning()) {
            return;
        }
        signal("CONT", engineProcesses()); // a stopped process would ignore SIGTERM until resumed
        List<ProcessHandle> inside = engine.descendants().toList();
        ended = engine;
        engine.destroy();
        if (!waitFor(engine)) {
            engine.destroyForcibly();
            waitFor(engine);
        }
        inside.forEach(ProcessHandle::destroyForcibly); // what outlived its gate, as a container's end takes all
        events.add(new EngineEvent(Instant.now(), name, false, cause));
    }

    private static void signal(String sig, List<Long> pids) throws IOException {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + sig));
        pids.forEach(p -> command.add(String.valueOf(p)));
        try {
            new ProcessBuilder(command).start().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        return dev.baton.drill.Ports.free();
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        stopEngine("drill shutdown");
        ssh.close();
    }
}
