package dev.baton.drill.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.KnotServers;
import dev.baton.drill.Json;
import dev.baton.drill.broker.BrokerSimulator;
import dev.baton.drill.fakes.TelegramFake;
import dev.baton.drill.site.SimulatedSite;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Everything a drill runs against, on this machine and on 127.0.0.1 only: a broker simulator, two
 * simulated sites (engine + SSH), PostgreSQL, two authoritative Knot servers (primary and secondary),
 * GreenMail and a Telegram fake, and the five Baton services started from their built jars with a
 * generated configuration (three health-checker observers: primary-side, standby, witness).
 */
public final class DrillWorld implements AutoCloseable {
    public static final String TOKEN = "drill-token-0123456789abcdef";
    public static final String ACCOUNT = "DU1234567";
    public static final String ZONE = "trading.example";
    public static final String RECORD = "www." + ZONE;
    public static final String PRIMARY_ADDRESS = KnotServers.WWW_START;
    public static final String STANDBY_ADDRESS = "192.0.2.20";
    public static final List<String> OBSERVERS = List.of("primary-side", "standby", "witness");
    private static final String TELEGRAM_TOKEN = "123456789:drill-telegram-secret";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final Path repo;
    private final Timeline timeline;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private BrokerSimulator broker;
    private SimulatedSite primary;
    private SimulatedSite standby;
    private EmbeddedPostgresServer pg;
    private KnotServers knot;
    private GreenMail mail;
    private TelegramFake telegram;

    private DrillWorld(Path repo, Path dir, Timeline timeline) {
        this.repo = repo;
        this.dir = dir;
        this.timeline = timeline;
    }

    /** Starts the world: every part, then every service, and waits until the suite is in steady state. */
    public static DrillWorld start(Path repo, Path dir, PrintStream out) throws Exception {
        DrillWorld w = new DrillWorld(repo, dir, new Timeline(out));
        try {
            w.startParts();
            w.startServices();
            w.awaitSteadyState(Duration.ofSeconds(90));
        } catch (Exception e) {
            w.close();
            throw e;
        }
        return w;
    }

    private void startParts() throws Exception {
        Files.createDirectories(dir);
        broker = keep(new BrokerSimulator(Duration.ofMillis(1500), Clock.systemUTC()));
        primary = keep(new SimulatedSite("primary", dir.resolve("sites/primary"), broker.url(), ACCOUNT));
        standby = keep(new SimulatedSite("standby", dir.resolve("sites/standby"), broker.url(), ACCOUNT));
        Files.writeString(primary.root().resolve(".env"), "IB_ACCOUNT=" + ACCOUNT + "\nIB_PASSWORD=drill-not-a-secret\n");
        Files.setPosixFilePermissions(primary.root().resolve(".env"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        pg = keep(EmbeddedPostgresServer.start());
        pg.execute("CREATE DATABASE coordinator");
        pg.execute("CREATE DATABASE notifier");
        if (!KnotServers.available()) {
            throw new IOException("knotd is not installed (Debian package knot); bash .ci/run installs it");
        }
        knot = keep(KnotServers.start(List.of(ZONE)));
        int smtp = freePort();
        mail = new GreenMail(new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        closeables.add(mail::stop);
        telegram = keep(new TelegramFake(TELEGRAM_TOKEN));
        timeline.record("world", "broker, sites, PostgreSQL, Knot, GreenMail, Telegram fake up");
        // the primary is the active site when the drill begins
        primary.bringBackEngine();
    }

    private void startServices() throws Exception {
        int coordinatorPort = freePort();
        String coordinatorUrl = "http://127.0.0.1:" + coordinatorPort;
        add(new ServiceProcess("notifier", jar("notifier"), freePort(), notifierEnv(), dir.resolve("logs")));
        add(new ServiceProcess("dns-manager", jar("dns-manager"), freePort(), dnsEnv(), dir.resolve("logs")));
        add(new ServiceProcess("state-sync", jar("state-sync"), freePort(), syncEnv(), dir.resolve("logs")));
        for (String observer : OBSERVERS) {
            add(new ServiceProcess("health-checker-" + observer, jar("health-checker"), freePort(),
                    checkerEnv(observer, coordinatorUrl), dir.resolve("logs")));
        }
        add(new ServiceProcess("failover-coordinator", jar("failover-coordinator"), coordinatorPort, coordinatorEnv(), dir.resolve("logs")));
        ExecutorService pool = Executors.newFixedThreadPool(services.size());
        try {
            List<Future<?>> ready = new ArrayList<>();
            for (ServiceProcess s : services.values()) {
                s.start();
                ready.add(pool.submit(() -> {
                    s.awaitReady(Duration.ofSeconds(120));
                    return null;
                }));
            }
            for (Future<?> f : ready) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        timeline.record("services", "7 Baton processes ready: " + String.join(", ", services.keySet()));
    }

    private void add(ServiceProcess s) {
        services.put(s.name(), s);
    }

    private Path jar(String module) {
        return repo.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private Map<String, String> base() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_AUTH_TOKENS", TOKEN);
        env.put("QUARKUS_LOG_CONSOLE_LEVEL", "INFO");
        return env;
    }

    private Map<String, String> datasource(Map<String, String> env, String db) {
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + pg.port() + "/" + db);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + db);
        env.put("QUARKUS_DATASOURCE_USERNAME", EmbeddedPostgresServer.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", "trust");
        return env;
    }

    private Map<String, String> notifierEnv() {
        Map<String, String> env = datasource(base(), "notifier");
        env.put("BATON_NOTIFIER_CHANNELS_OPS_TELEGRAM_TOKEN", TELEGRAM_TOKEN);
        env.put("BATON_NOTIFIER_CHANNELS_OPS_TELEGRAM_CHAT_ID", "-1001234567890");
        env.put("BATON_NOTIFIER_CHANNELS_OPS_TELEGRAM_API_URL", telegram.url());
        env.put("BATON_NOTIFIER_CHANNELS_OPS_TELEGRAM_MESSAGES_PER_SECOND", "30");
        env.put("BATON_NOTIFIER_CHANNELS_DESK_EMAIL_FROM", "baton@trading.example");
        env.put("BATON_NOTIFIER_CHANNELS_DESK_EMAIL_TO", "oncall@trading.example");
        env.put("BATON_NOTIFIER_ROUTES_0__CHANNELS", "ops,desk");
        env.put("BATON_NOTIFIER_PIPELINE_GROUP_WAIT", "0s");
        env.put("BATON_NOTIFIER_OUTBOX_INITIAL_BACKOFF", "200ms");
        env.put("QUARKUS_MAILER_HOST", "127.0.0.1");
        env.put("QUARKUS_MAILER_PORT", String.valueOf(mail.getSmtp().getPort()));
        env.put("QUARKUS_MAILER_START_TLS", "DISABLED");
        env.put("QUARKUS_MAILER_FROM", "baton@trading.example");
        env.put("QUARKUS_MAILER_MOCK", "false");
        return env;
    }

    private Map<String, String> dnsEnv() {
        Map<String, String> env = base();
        env.put("BATON_DNS_PROVIDERS_LAB_TYPE", "rfc2136");
        env.put("BATON_DNS_PROVIDERS_LAB_ZONES", ZONE);
        env.put("BATON_DNS_PROVIDERS_LAB_SERVER", KnotServers.hostPort(knot.primary()));
        env.put("BATON_DNS_PROVIDERS_LAB_TSIG_KEY_NAME", KnotServers.KEY_NAME);
        env.put("BATON_DNS_PROVIDERS_LAB_TSIG_SECRET", knot.tsigSecret());
        env.put("BATON_DNS_PROVIDERS_LAB_NAMESERVERS", KnotServers.hostPort(knot.primary()) + "," + KnotServers.hostPort(knot.secondary()));
        // never ask a public resolver from a drill: loopback only
        env.put("BATON_DNS_PROPAGATION_RESOLVERS", KnotServers.hostPort(knot.primary()));
        env.put("BATON_DNS_PROPAGATION_POLL_INTERVAL", "200ms");
        return env;
    }

    private void site(Map<String, String> env, String prefix, SimulatedSite site) {
        env.put(prefix + "HOST", site.ssh().host());
        env.put(prefix + "PORT", String.valueOf(site.ssh().port()));
        env.put(prefix + "USER", site.ssh().user());
        env.put(prefix + "PRIVATE_KEY", site.ssh().privateKey().toString());
        env.put(prefix + "KNOWN_HOSTS", site.ssh().knownHosts().toString());
        env.put(prefix + "ROOT", "/");
    }

    private Map<String, String> syncEnv() {
        Map<String, String> env = base();
        site(env, "BATON_SYNC_SITES_PRIMARY_", primary);
        site(env, "BATON_SYNC_SITES_STANDBY_", standby);
        env.put("BATON_SYNC_PATHS", "state,.env");
        env.put("BATON_SYNC_ACTIVE_SITE", "primary");
        env.put("BATON_SYNC_ACTIVE_EPOCH", "0");
        env.put("BATON_SYNC_CONTINUOUS_INTERVAL", "200ms");
        return env;
    }

    private Map<String, String> checkerEnv(String observer, String coordinatorUrl) {
        Map<String, String> env = base();
        env.put("BATON_HEALTH_OBSERVER", observer);
        env.put("BATON_HEALTH_PUSH_COORDINATORS", coordinatorUrl);
        env.put("BATON_HEALTH_PUSH_TOKEN", TOKEN);
        env.put("BATON_HEALTH_PUSH_HEARTBEAT", "1s");
        int i = 0;
        for (SimulatedSite site : List.of(primary, standby)) {
            String p = "BATON_HEALTH_CHECKS_" + i++ + "__";
            env.put(p + "NAME", site.name() + "-engine");
            env.put(p + "SITE", site.name());
            env.put(p + "TYPE", "http");
            env.put(p + "TARGET", "http://127.0.0.1:" + site.enginePort() + "/health/detailed");
            env.put(p + "HTTP_JSON_EQUALS", "components.ib_gateway.connected == true");
            env.put(p + "INTERVAL", "500ms");
            env.put(p + "TIMEOUT", "400ms");
            env.put(p + "FAILURE_THRESHOLD", "2");
            env.put(p + "SUCCESS_THRESHOLD", "1");
            p = "BATON_HEALTH_CHECKS_" + i++ + "__";
            env.put(p + "NAME", site.name() + "-host");
            env.put(p + "SITE", site.name());
            env.put(p + "TYPE", "tcp");
            env.put(p + "TARGET", "127.0.0.1:" + site.ssh().port());
            env.put(p + "INTERVAL", "500ms");
            env.put(p + "TIMEOUT", "400ms");
            env.put(p + "FAILURE_THRESHOLD", "2");
            env.put(p + "SUCCESS_THRESHOLD", "1");
        }
        return env;
    }

    private Map<String, String> coordinatorEnv() {
        Map<String, String> env = datasource(base(), "coordinator");
        String c = "BATON_COORDINATOR_";
        for (SimulatedSite site : List.of(primary, standby)) {
            String p = c + "SITES_" + site.name().toUpperCase() + "_";
            site(env, p, site);
            env.put(p + "ROLE", site.name());
            env.put(p + "DNS_VALUE", site == primary ? PRIMARY_ADDRESS : STANDBY_ADDRESS);
        }
        env.put(c + "OBSERVERS_NAMES", String.join(",", OBSERVERS));
        env.put(c + "OBSERVERS_STALENESS", "5s");
        env.put(c + "POLICY_CONFIRMATION", "2s");
        env.put(c + "POLICY_COOLDOWN", "5s");
        env.put(c + "POLICY_MAINTENANCE_WINDOWS", "none");
        env.put(c + "POLICY_MAX_SYNC_AGE", "60s");
        // a fenced site's engine is DOWN on purpose: judge a handover target by its host check
        env.put(c + "POLICY_TARGET_READY_IGNORES", ".*-engine");
        env.put(c + "FENCE_SESSION_RELEASE", "10s");
        env.put(c + "FENCE_CONNECT_TIMEOUT", "3s");
        env.put(c + "DNS_ZONE", ZONE);
        env.put(c + "DNS_NAME", RECORD);
        env.put(c + "DNS_TYPE", "A");
        env.put(c + "DNS_TTL", "30");
        env.put(c + "CLIENTS_STATE_SYNC_TOKEN", TOKEN);
        env.put(c + "CLIENTS_DNS_MANAGER_TOKEN", TOKEN);
        env.put(c + "CLIENTS_NOTIFIER_TOKEN", TOKEN);
        env.put(c + "TICK", "500ms");
        env.put(c + "GUARD_INTERVAL", "3s");
        env.put("QUARKUS_REST_CLIENT_STATE_SYNC_URL", services.get("state-sync").url());
        env.put("QUARKUS_REST_CLIENT_DNS_MANAGER_URL", services.get("dns-manager").url());
        env.put("QUARKUS_REST_CLIENT_NOTIFIER_URL", services.get("notifier").url());
        return env;
    }

    /** Steady state: every observer reports the primary UP, the primary trades, and the standby has a synced copy. */
    private void awaitSteadyState(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = coordinatorStatus();
            JsonNode sync = get(services.get("state-sync").url() + "/api/v1/status");
            boolean observersUp = status != null && OBSERVERS.stream().allMatch(o -> {
                JsonNode ob = status.path("observers").path(o);
                return !ob.path("stale").asBoolean(true) && "UP".equals(ob.path("sites").path("primary").asText());
            });
            boolean synced = sync != null && sync.toString().contains("lastSuccessAt\":\"");
            if (observersUp && synced && "primary".equals(broker.activeEngine(ACCOUNT))) {
                timeline.record("steady", "primary active and trading, 3 observers see it UP, standby synced");
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("the suite did not reach steady state in " + timeout + "; logs in " + dir.resolve("logs"));
    }

    public JsonNode coordinatorStatus() {
        return get(services.get("failover-coordinator").url() + "/api/v1/status");
    }

    public JsonNode get(String url) {
        try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** POSTs with the drill's token; returns status and body. */
    public HttpResponse<String> post(String url, Object body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .header("X-Baton-Actor", "drill")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The A record each authoritative server answers right now (recursion off, AA required). */
    public Map<String, Optional<String>> authoritativeAnswers() {
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        for (InetSocketAddress ns : List.of(knot.primary(), knot.secondary())) {
            out.put(KnotServers.hostPort(ns), query(ns));
        }
        return out;
    }

    private static Optional<String> query(InetSocketAddress ns) {
        try {
            SimpleResolver r = new SimpleResolver(ns);
            r.setTimeout(Duration.ofMillis(500));
            Message q = Message.newQuery(Record.newRecord(Name.fromString(RECORD + "."), Type.A, DClass.IN));
            q.getHeader().unsetFlag(Flags.RD);
            Message reply = r.send(q);
            if (reply.getRcode() != Rcode.NOERROR || !reply.getHeader().getFlag(Flags.AA)) {
                return Optional.empty();
            }
            return reply.getSection(Section.ANSWER).stream().filter(rr -> rr.getType() == Type.A)
                    .map(rr -> rr.rdataToString()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public boolean dnsEverywhere(String address) {
        return authoritativeAnswers().values().stream().allMatch(a -> a.filter(address::equals).isPresent());
    }

    public Timeline timeline() {
        return timeline;
    }

    public BrokerSimulator broker() {
        return broker;
    }

    public SimulatedSite primary() {
        return primary;
    }

    public SimulatedSite standby() {
        return standby;
    }

    /**
     * The crash of one Baton process: SIGKILL, then (when {@code restart}) a fresh process with the same
     * configuration and port, as a container's restart policy would bring it back.
     */
    public void crashService(String name) throws InterruptedException {
        services.get(name).kill();
        timeline.record("fault", name + " killed (SIGKILL)");
    }

    /** Starts a crashed service again with its configuration and port and waits until it is ready. */
    public void restartService(String name) throws Exception {
        ServiceProcess s = services.get(name);
        s.start();
        s.awaitReady(Duration.ofSeconds(120));
        timeline.record("services", name + " restarted and ready");
    }

    /**
     * A link cut seen by one observer only: its health-checker is restarted (same port, same push target)
     * with the primary's checks aimed at a port nobody listens on, so it sees the primary DOWN while the
     * other observers still see it UP.
     */
    public void cutObserverFromPrimary(String observer) throws Exception {
        String name = "health-checker-" + observer;
        ServiceProcess old = services.get(name);
        old.stop();
        Map<String, String> env = checkerEnv(observer, services.get("failover-coordinator").url());
        int dead = freePort();
        env.put("BATON_HEALTH_CHECKS_0__TARGET", "http://127.0.0.1:" + dead + "/health/detailed");
        env.put("BATON_HEALTH_CHECKS_1__TARGET", "127.0.0.1:" + dead);
        ServiceProcess cut = new ServiceProcess(name, jar("health-checker"), old.port(), env, dir.resolve("logs"));
        services.put(name, cut);
        cut.start();
        cut.awaitReady(Duration.ofSeconds(120));
        timeline.record("fault", "observer " + observer + " cut from the primary (its checks now reach 127.0.0.1:" + dead + ")");
    }

    public ServiceProcess service(String name) {
        return services.get(name);
    }

    public TelegramFake telegram() {
        return telegram;
    }

    public int mailsReceived() {
        return mail.getReceivedMessages().length;
    }

    public Path dir() {
        return dir;
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (ServiceProcess s : services.values()) {
            try {
                s.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // best effort: the drill is ending
            }
        }
    }
}
