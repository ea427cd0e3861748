package dev.baton.drill.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.KnotServers;
import dev.baton.drill.Json;
import dev.baton.drill.broker.BrokerSimulator;
import dev.baton.drill.fakes.CloudflareFront;
import dev.baton.drill.fakes.PowerApiFake;
import dev.baton.drill.fakes.TelegramFake;
import dev.baton.drill.site.Link;
import dev.baton.drill.netns.Topology;
import dev.baton.drill.site.SimulatedSite;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Everything a drill runs against, on this machine and on 127.0.0.1 only (or, in the namespace world, in network
 * namespaces of its own, each place with its own address: {@link Places}): a broker simulator, two
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
    /** The broker simulator's liveness window: a session silent this long is dead. */
    public static final Duration BROKER_LIVENESS = Duration.ofMillis(1500);
    /** The coordinator's session linger in the drill: twice the broker's liveness window. */
    public static final Duration SESSION_LINGER = BROKER_LIVENESS.multipliedBy(2);
    /**
     * The lease the sites' start gates run their engines under ({@code BATON_GATE_LEASE}), and the coordinator's
     * {@code fence.site-lease}: an unreachable site is presumed fenced only this long after its fence began.
     */
    public static final Duration SITE_LEASE = Duration.ofSeconds(7);
    private static final String CLOUDFLARE_TOKEN = "drill-cloudflare-token-0123456789abcdef";
    public static final String POWER_TOKEN = "drill-power-api-token-0123456789";
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
    /** The standby site's directory in the namespace world: a small disk of its own (null in the loopback world). */
    private dev.baton.drill.netns.SmallDisk standbyDisk;
    /** The size of that disk in MiB: room for the site's state and logs many times over, filled by {@code full-disk(standby)}. */
    static final int STANDBY_DISK_MB = 16;
    private EmbeddedPostgresServer pg;
    /** The namespace world's database (Debian's server: the drill runs as root there, which zonky's cannot). */
    private DebianPostgres debianPg;
    private String pgHost;
    private int pgPort;
    /** Where each part runs: 127.0.0.1, or the namespaces of {@link dev.baton.drill.netns.Topology}. */
    private final Places places;
    private KnotServers knot;
    private GreenMail mail;
    private TelegramFake telegram;
    private CloudflareFront cloudflare;
    private PowerApiFake power;
    private int coordinatorPort;
    /** {@code zookeeper} (the default: an ensemble and two coordinators) or {@code postgres} (one coordinator). */
    private final String store;
    private ZooKeeperEnsemble ensemble;
    /** The database world's PostgreSQL pair ({@link #databaseMode}), null without it. */
    private DrillDatabases databases;
    /** Whether this world runs the PostgreSQL pair ({@link #databaseMode} unless its starter said). */
    private final boolean database;
    /** The places the drill simulates, each with its own ZooKeeper server in the ZooKeeper mode. */
    public static final List<String> PLACES = List.of("primary", "standby", "witness");
    /** The coordinator at the standby; in the ZooKeeper mode a second one runs at the witness. */
    public static final String COORDINATOR = "failover-coordinator";
    public static final String WITNESS_COORDINATOR = "failover-coordinator-witness";
    private int witnessCoordinatorPort;
    /** Observer-to-site paths, "observer->site:engine" and "observer->site:host". */
    private final Map<String, Link> links = new LinkedHashMap<>();
    /** Coordinator settings that differ from the drill's defaults (a scenario's), undone by {@link #reset}. */
    private Map<String, String> coordinatorOverrides = Map.of();
    private Baseline baseline;
    /** Stops every process this world started when the drill itself is stopped (Ctrl-C, kill). */
    private boolean closed;
    private final Thread shutdownHook = new Thread(this::close, "drill-world-shutdown");

    /** Which SSH server the sites run: {@code OpenSSH sshd} when installed, else {@code MINA (embedded)}. */
    public String sshKind() {
        return primary == null ? "not started" : primary.ssh().kind();
    }

    private DrillWorld(Path repo, Path dir, Timeline timeline, Places places, boolean database) {
        this.database = database;
        this.repo = repo;
        this.places = places;
        this.dir = dir;
        this.timeline = timeline;
        this.store = storeMode();
    }

    /**
     * {@code BATON_DRILL_DATABASE=pair} (or {@code -Dbaton.drill.database=pair}, or {@code DrillMain database}): the
     * sites get a PostgreSQL primary and its streaming replica, the engines commit orders to them, and the runbooks
     * fence, check, promote and rejoin the databases (issue #18). Off by default.
     */
    public static boolean databaseMode() {
        String asked = System.getProperty("baton.drill.database", System.getenv().getOrDefault("BATON_DRILL_DATABASE", "none"));
        if (!asked.equals("pair") && !asked.equals("none")) {
            throw new IllegalArgumentException("the drill's database is pair or none, not " + asked);
        }
        return asked.equals("pair");
    }

    /** The PostgreSQL pair of the database world; empty without it. */
    public java.util.Optional<DrillDatabases> databases() {
        return java.util.Optional.ofNullable(databases);
    }

    /** {@code BATON_DRILL_STORE} (or {@code -Dbaton.drill.store}, or {@code --store}): zookeeper unless postgres is asked for. */
    public static String storeMode() {
        String asked = System.getProperty("baton.drill.store", System.getenv().getOrDefault("BATON_DRILL_STORE", "zookeeper"));
        if (!asked.equals("zookeeper") && !asked.equals("postgres")) {
            throw new IllegalArgumentException("the drill's store is zookeeper or postgres, not " + asked);
        }
        return asked;
    }

    /** The decision store the coordinators use: {@code zookeeper} or {@code postgres}. */
    public String store() {
        return store;
    }

    public boolean zookeeper() {
        return store.equals("zookeeper");
    }

    /** The ensemble (ZooKeeper mode only). */
    public ZooKeeperEnsemble ensemble() {
        return ensemble;
    }

    /** The coordinators' service names: the standby's, and the witness's in the ZooKeeper mode. */
    public List<String> coordinators() {
        return zookeeper() ? List.of(COORDINATOR, WITNESS_COORDINATOR) : List.of(COORDINATOR);
    }

    private String coordinatorUrls() {
        StringBuilder urls = new StringBuilder("http://" + places.address("standby") + ":" + coordinatorPort);
        if (zookeeper()) {
            urls.append(",http://").append(places.address("witness")).append(':').append(witnessCoordinatorPort);
        }
        return urls.toString();
    }

    /** Starts the world: every part, then every service, and waits until the suite is in steady state. */
    public static DrillWorld start(Path repo, Path dir, PrintStream out) throws Exception {
        return start(repo, dir, out, Places.loopback());
    }

    /** As {@link #start(Path, Path, PrintStream)}, each part where {@code places} puts it. */
    public static DrillWorld start(Path repo, Path dir, PrintStream out, Places places) throws Exception {
        return start(repo, dir, out, places, databaseMode());
    }

    /** As {@link #start(Path, Path, PrintStream, Places)}, with the database world's PostgreSQL pair or without. */
    public static DrillWorld start(Path repo, Path dir, PrintStream out, Places places, boolean database) throws Exception {
        DrillWorld w = new DrillWorld(repo, dir, new Timeline(out), places, database);
        Runtime.getRuntime().addShutdownHook(w.shutdownHook);
        try {
            w.startParts();
            w.startServices();
            w.awaitSteadyState(Duration.ofSeconds(90), Instant.EPOCH);
            w.markBaseline();
        } catch (Exception e) {
            w.close();
            throw e;
        }
        return w;
    }

    private void startParts() throws Exception {
        Files.createDirectories(dir);
        if (places.isNetns()) {
            // a world replacing one whose run failed half-way starts on a whole network
            dev.baton.drill.netns.Nemesis.healAll(places.topology().orElseThrow());
        }
        broker = keep(new BrokerSimulator(BROKER_LIVENESS, Clock.systemUTC()));
        primary = keep(new SimulatedSite("primary", dir.resolve("sites/primary"), broker.url(), ACCOUNT, places.of("primary"), places.toOps()));
        if (places.isNetns()) {
            // the standby site on a small disk of its own, which the full-disk nemesis fills: its state/ (state-sync's
            // symlink into .baton/: snapshots, staging, the epoch file), .env and the engine's logs. One disk for the
            // whole site, as on a real host: state-sync moves a first state/ into .baton/, which cannot cross disks.
            // Mounted before the site's sshd and engine start, so that they see it (each starts in a copy of this
            // mount namespace; the namespace world's root mount is private)
            standbyDisk = keep(dev.baton.drill.netns.SmallDisk.mount(places.topology().orElseThrow().world(),
                    Files.createDirectories(dir.resolve("sites/standby")), STANDBY_DISK_MB));
        }
        standby = keep(new SimulatedSite("standby", dir.resolve("sites/standby"), broker.url(), ACCOUNT, places.of("standby"), places.toOps()));
        // the primary's server power API (its fencing endpoint, when a scenario configures one): power-off kills its engine
        power = keep(new PowerApiFake(POWER_TOKEN, primary::crashEngine));
        if (database) {
            if (places.isNetns()) {
                throw new IOException("the database world runs on loopback only (its PostgreSQL pair runs as the drill's own account)");
            }
            java.util.Optional<String> why = DrillDatabases.unavailable();
            if (why.isPresent()) {
                throw new IOException("the database drill cannot run: " + why.get());
            }
            databases = keep(DrillDatabases.start(dir.resolve("databases")));
            for (SimulatedSite site : List.of(primary, standby)) {
                site.engineEnvironment(databases.engineEnvironment(site.name()));
                databases.installRejoin(site, repo);
            }
            timeline.record("world", "PostgreSQL pair: the primary's server on 127.0.0.1:" + databases.port("primary")
                    + ", the standby's streaming replica of it on 127.0.0.1:" + databases.port("standby") + " (through a path the drill can cut)");
        }
        Files.writeString(primary.root().resolve(".env"), "IB_ACCOUNT=" + ACCOUNT + "\nIB_PASSWORD=drill-not-a-secret\n");
        Files.setPosixFilePermissions(primary.root().resolve(".env"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        if (zookeeper()) {
            ensemble = ZooKeeperEnsemble.start(dir.resolve("zookeeper"), PLACES, dir.resolve("logs"), places::of);
            closeables.add(ensemble);
        }
        if (places.isNetns()) {
            debianPg = keep(DebianPostgres.start(dir.resolve("postgres"), places.address(Topology.OPS), freePort(), Topology.SUBNET));
            debianPg.execute("CREATE DATABASE coordinator");
            debianPg.execute("CREATE DATABASE notifier");
            pgHost = debianPg.host();
            pgPort = debianPg.port();
        } else {
            pg = keep(EmbeddedPostgresServer.start());
            pg.execute("CREATE DATABASE coordinator");
            pg.execute("CREATE DATABASE notifier");
            pgHost = "127.0.0.1";
            pgPort = pg.port();
        }
        if (!KnotServers.available()) {
            throw new IOException("knotd is not installed (Debian package knot); bash .ci/run installs it");
        }
        knot = keep(KnotServers.start(List.of(ZONE), dev.baton.drill.Ports.host()));
        cloudflare = keep(new CloudflareFront(CLOUDFLARE_TOKEN, ZONE, knot.primary(), KnotServers.KEY_NAME, knot.tsigSecret()));
        int smtp = freePort();
        mail = new GreenMail(new ServerSetup(smtp, dev.baton.drill.Ports.host(), ServerSetup.PROTOCOL_SMTP));
        mail.start();
        closeables.add(mail::stop);
        telegram = keep(new TelegramFake(TELEGRAM_TOKEN));
        if (!places.isNetns()) {
            // on one host, each observer reaches each site through a forwarder a scenario can cut; in namespaces
            // the network itself is cut (dev.baton.drill.netns.Nemesis)
            for (String observer : OBSERVERS) {
                for (SimulatedSite site : List.of(primary, standby)) {
                    link(observer, site, "engine", site.enginePort());
                    link(observer, site, "host", site.ssh().port());
                }
            }
        }
        timeline.record("world", "broker, sites (SSH: " + sshKind() + "), PostgreSQL, Knot, GreenMail, Telegram fake up; " + places.describe());
        // every engine start on either site goes through the start gate a real site runs (deploy/site/baton-gate)
        coordinatorPort = freePort();
        witnessCoordinatorPort = freePort();
        if (ensemble != null) {
            ensemble.awaitServing(Duration.ofSeconds(60));
            timeline.record("world", "ZooKeeper ensemble serving: " + ensemble.connectString() + " (primary, standby, witness)");
        }
        Path gate = repo.resolve("deploy/site/baton-gate");
        if (!Files.isRegularFile(gate)) {
            throw new IOException(gate + " is missing: the drill runs the real start gate");
        }
        for (SimulatedSite site : List.of(primary, standby)) {
            site.useGate(new SimulatedSite.StartGate(gate, coordinatorUrls(), 60, (int) SITE_LEASE.toSeconds()));
            // the namespace world's sites restart an engine that exited by itself, as Docker's restart policy does
            site.restartPolicy(places.isNetns());
        }
        // the primary is the active site when the drill begins: its first start precedes Baton, as at installation
        primary.bootstrapEngine("drill: the primary's first start, before Baton runs");
    }

    private void startServices() throws Exception {
        String coordinatorUrl = coordinatorUrls();
        // the standby runs the services that act (as deploy/ lays them out); each observer runs at its own place
        add(new ServiceProcess("notifier", jar("notifier"), places.of("standby"), freePort(), notifierEnv(), dir.resolve("logs")));
        add(new ServiceProcess("dns-manager", jar("dns-manager"), places.of("standby"), freePort(), dnsEnv(), dir.resolve("logs")));
        add(new ServiceProcess("state-sync", jar("state-sync"), places.of("standby"), freePort(), syncEnv(), dir.resolve("logs")));
        for (String observer : OBSERVERS) {
            add(new ServiceProcess("health-checker-" + observer, jar("health-checker"), places.of(placeOf(observer)), freePort(),
                    checkerEnv(observer, coordinatorUrl), dir.resolve("logs")));
        }
        add(new ServiceProcess(COORDINATOR, jar("failover-coordinator"), places.of("standby"), coordinatorPort, coordinatorEnv(COORDINATOR),
                dir.resolve("logs")));
        if (zookeeper()) {
            add(new ServiceProcess(WITNESS_COORDINATOR, jar("failover-coordinator"), places.of("witness"), witnessCoordinatorPort,
                    coordinatorEnv(WITNESS_COORDINATOR), dir.resolve("logs")));
        }
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
        timeline.record("services", services.size() + " Baton processes ready (decisions in " + store + "): "
                + String.join(", ", services.keySet()));
    }

    private void requireLinks() {
        if (places.isNetns()) {
            throw new IllegalStateException("the namespace world has no forwarders to cut: its faults are dev.baton.drill.netns.Nemesis");
        }
    }

    /** The place an observer runs at: {@code primary-side} at the primary, the others at their namesakes. */
    public static String placeOf(String observer) {
        return observer.equals("primary-side") ? "primary" : observer;
    }

    /** Where the parts of this world run. */
    public Places places() {
        return places;
    }

    private void link(String observer, SimulatedSite site, String what, int port) throws IOException {
        String name = observer + "->" + site.name() + ":" + what;
        links.put(name, keep(new Link(name, port)));
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
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + pgHost + ":" + pgPort + "/" + db);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + db);
        env.put("QUARKUS_DATASOURCE_USERNAME", places.isNetns() ? DebianPostgres.USER : EmbeddedPostgresServer.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", debianPg != null ? debianPg.password() : "trust");
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
        env.put("QUARKUS_MAILER_HOST", dev.baton.drill.Ports.host());
        env.put("QUARKUS_MAILER_PORT", String.valueOf(mail.getSmtp().getPort()));
        env.put("QUARKUS_MAILER_START_TLS", "DISABLED");
        env.put("QUARKUS_MAILER_FROM", "baton@trading.example");
        env.put("QUARKUS_MAILER_MOCK", "false");
        return env;
    }

    private Map<String, String> dnsEnv() {
        Map<String, String> env = base();
        // the Cloudflare API in front of the Knot primary: every switch goes through a provider's HTTP API
        // (and its 500s and 429s, when a scenario asks) and is then seen on the wire at both nameservers
        env.put("BATON_DNS_PROVIDERS_LAB_TYPE", "cloudflare");
        env.put("BATON_DNS_PROVIDERS_LAB_ZONES", ZONE);
        env.put("BATON_DNS_PROVIDERS_LAB_BASE_URL", cloudflare.baseUrl());
        env.put("BATON_DNS_PROVIDERS_LAB_TOKEN", CLOUDFLARE_TOKEN);
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
        env.put(prefix + "ROOT", site.ssh().root());
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
            // each observer reaches each site over its own path, which a scenario can cut
            env.put(p + "TARGET", "http://" + target(observer, site, "engine", site.enginePort()) + "/health/detailed");
            env.put(p + "HTTP_JSON_EQUALS", "components.ib_gateway.connected == true");
            env.put(p + "INTERVAL", "500ms");
            env.put(p + "TIMEOUT", "400ms");
            env.put(p + "FAILURE_THRESHOLD", "2");
            env.put(p + "SUCCESS_THRESHOLD", "1");
            p = "BATON_HEALTH_CHECKS_" + i++ + "__";
            env.put(p + "NAME", site.name() + "-host");
            env.put(p + "SITE", site.name());
            env.put(p + "TYPE", "tcp");
            env.put(p + "TARGET", target(observer, site, "host", site.ssh().port()));
            env.put(p + "INTERVAL", "500ms");
            env.put(p + "TIMEOUT", "400ms");
            env.put(p + "FAILURE_THRESHOLD", "2");
            env.put(p + "SUCCESS_THRESHOLD", "1");
        }
        return env;
    }

    /** host:port of a site's {@code what} as {@code observer} reaches it: through its link, or straight across the namespaces. */
    private String target(String observer, SimulatedSite site, String what, int port) {
        return places.isNetns() ? site.address() + ":" + port : "127.0.0.1:" + links.get(observer + "->" + site.name() + ":" + what).port();
    }

    private Map<String, String> coordinatorEnv(String name) {
        String c = "BATON_COORDINATOR_";
        Map<String, String> env;
        if (zookeeper()) {
            // no database: every decision lives in the ensemble
            env = base();
            env.put(c + "STORE", "zookeeper");
            env.put(c + "ZOOKEEPER_CONNECT", ensemble.connectString());
            env.put(c + "ZOOKEEPER_SESSION_TIMEOUT", "3s");
            env.put(c + "ZOOKEEPER_CONNECTION_TIMEOUT", "2s");
            env.put(c + "LEADER_ID", name.equals(COORDINATOR) ? "coordinator-standby" : "coordinator-witness");
        } else {
            env = datasource(base(), "coordinator");
            env.put(c + "LEADER_ID", "coordinator-standby");
        }
        for (SimulatedSite site : List.of(primary, standby)) {
            String p = c + "SITES_" + site.name().toUpperCase() + "_";
            site(env, p, site);
            env.put(p + "ROLE", site.name());
            env.put(p + "DNS_VALUE", site == primary ? PRIMARY_ADDRESS : STANDBY_ADDRESS);
            if (databases != null) {
                databases.coordinatorEnvironment(env, p, site.name());
                if (site == primary) {
                    // the database world's primary has its power API as fencing endpoint from the start: an unreachable
                    // database counts as fenced only on a site powered off (docs/RUNBOOK.md)
                    env.put(p + "FENCING_ENDPOINT_URL", power.powerOffUrl());
                    env.put(p + "FENCING_ENDPOINT_STATUS_URL", power.statusUrl());
                    env.put(p + "FENCING_ENDPOINT_TOKEN", POWER_TOKEN);
                }
            }
        }
        env.put(c + "OBSERVERS_NAMES", String.join(",", OBSERVERS));
        env.put(c + "OBSERVERS_STALENESS", "5s");
        env.put(c + "POLICY_CONFIRMATION", "2s");
        // one world serves many runs (chaos): no cooldown between them, and a cap no drill reaches
        env.put(c + "POLICY_COOLDOWN", "0s");
        env.put(c + "POLICY_DAILY_CAP", "100000");
        env.put(c + "POLICY_MAINTENANCE_WINDOWS", "none");
        env.put(c + "POLICY_MAX_SYNC_AGE", "60s");
        // a fenced site's engine is DOWN on purpose: judge a handover target by its host check
        env.put(c + "POLICY_TARGET_READY_IGNORES", ".*-engine");
        // the broker lets a silent session go after 1.5 s: Baton asks its session API, and waits twice that long
        // when the API cannot tell
        env.put(c + "FENCE_SESSION_LINGER", SESSION_LINGER.toMillis() + "ms");
        // the sites' gates supervise their engines under a lease: an unreachable site may be presumed fenced after it
        env.put(c + "FENCE_ALLOW_WAIT", "true");
        env.put(c + "FENCE_SITE_LEASE", SITE_LEASE.toMillis() + "ms");
        env.put(c + "FENCE_SESSION_CHECK_URL", broker.url() + "/sessions/" + ACCOUNT);
        env.put(c + "FENCE_SESSION_CHECK_JSON_EQUALS", "live == false");
        env.put(c + "FENCE_SESSION_CHECK_INTERVAL", "200ms");
        env.put(c + "FENCE_SESSION_CHECK_TIMEOUT", "2s");
        env.put(c + "FENCE_CONNECT_TIMEOUT", "3s");
        env.put(c + "DNS_ZONE", ZONE);
        env.put(c + "DNS_NAME", RECORD);
        env.put(c + "DNS_TYPE", "A");
        env.put(c + "DNS_TTL", "30");
        env.put(c + "CLIENTS_STATE_SYNC_TOKEN", TOKEN);
        env.put(c + "CLIENTS_DNS_MANAGER_TOKEN", TOKEN);
        env.put(c + "CLIENTS_NOTIFIER_TOKEN", TOKEN);
        env.put(c + "TICK", "500ms");
        // each coordinator's verdict recording (baton replay) in the world's directory, not where the drill was started
        env.put(c + "RECORDING_DIRECTORY", dir.resolve("recording").resolve(name).toString());
        env.put(c + "GUARD_INTERVAL", "3s");
        // a restarted coordinator takes the lease back (and resumes its journal) within a few seconds
        env.put(c + "LEADER_LEASE", "6s");
        runbook(env, "FAILOVER", false, databases != null, databases != null && databases.hasRedis());
        runbook(env, "FAILBACK", true, databases != null, databases != null && databases.hasRedis());
        env.put("QUARKUS_REST_CLIENT_STATE_SYNC_URL", services.get("state-sync").url());
        env.put("QUARKUS_REST_CLIENT_DNS_MANAGER_URL", services.get("dns-manager").url());
        env.put("QUARKUS_REST_CLIENT_NOTIFIER_URL", services.get("notifier").url());
        env.putAll(coordinatorOverrides);
        return env;
    }

    /**
     * The default runbook, written out, except that wait-healthy waits for a quorum of observers to see the new
     * site UP rather than for its container to run. With no cooldown between operations (one world serves many
     * runs), an operation that ended as soon as the container ran left the engine still starting while the
     * observers saw the site DOWN, and the policy failed straight back over (seen in the first chaos runs).
     * {@code database}: the database world's steps as docs/RUNBOOK.md lays them out: a failback first makes the old
     * primary's server a replica of the active one ({@code baton-pg-rejoin}: rewound if it diverged); both kinds
     * fence the old site's database read-only after the engine, check the replica holds what the old primary wrote
     * (lag above 1 s refused while the old primary answers) and promote it before the engine starts. {@code redis}:
     * the new site's Redis promoted after the database and the old site's made its replica (a lost one is left to the
     * failback: that step continues on failure); a failback first makes the primary's Redis follow the standby's.
     */
    private static void runbook(Map<String, String> env, String kind, boolean failback, boolean database, boolean redis) {
        List<String[]> steps = new ArrayList<>();
        steps.add(new String[] {"announce", "notify", "WARNING", "{kind} {from} -> {to} started (epoch {epoch}): {reason}", "30s", "continue"});
        if (failback && database) {
            steps.add(new String[] {"rejoin-database", "pg-rejoin", null, null, "3m", "abort"});
        }
        if (failback && redis) {
            steps.add(new String[] {"redis-follow-active", "redis-replicate", null, null, "90s", "abort", "to"});
        }
        if (failback) {
            steps.add(new String[] {"re-sync-to-primary", "sync", null, null, "2m", "abort"});
        }
        steps.add(new String[] {"fence", "fence", null, null, "2m", "abort"});
        if (database) {
            steps.add(new String[] {"fence-database", "pg-fence-old", null, null, "30s", "abort"});
        }
        steps.add(new String[] {"final-sync", "sync", null, null, "2m", "abort"});
        if (database) {
            steps.add(new String[] {"check-replica", "pg-check-replica", null, null, "30s", "abort"});
            steps.add(new String[] {"promote-database", "pg-promote", null, null, "90s", "abort"});
        }
        if (redis) {
            steps.add(new String[] {"promote-redis", "redis-promote", null, null, "30s", "abort"});
            steps.add(new String[] {"redis-follow-new", "redis-replicate", null, null, "15s", "continue", "from"});
        }
        steps.add(new String[] {"start", "start", null, null, "5m", "abort"});
        steps.add(new String[] {"wait-healthy", "wait-healthy", null, null, "2m", "needs-operator"});
        steps.add(new String[] {"dns", "dns", null, null, "5m", "needs-operator"});
        steps.add(new String[] {"done", "notify", "INFO", "{kind} {from} -> {to} complete (epoch {epoch})", "30s", "continue"});
        for (int i = 0; i < steps.size(); i++) {
            String[] st = steps.get(i);
            String p = "BATON_COORDINATOR_RUNBOOKS_" + kind + "_STEPS_" + i + "__";
            env.put(p + "NAME", st[0]);
            env.put(p + "TYPE", st[1]);
            if (st[2] != null) {
                env.put(p + "SEVERITY", st[2]);
                env.put(p + "MESSAGE", st[3]);
            }
            env.put(p + "TIMEOUT", st[4]);
            env.put(p + "ON_FAILURE", st[5]);
            if (st.length > 6) {
                env.put(p + "SITE", st[6]);
            }
            switch (st[1]) {
                case "redis-replicate" -> env.put(p + "DURATION", st[6].equals("from") ? "5s" : "60s");
                case "pg-rejoin" -> {
                    env.put(p + "COMMAND", "baton-pg-rejoin");
                    env.put(p + "MAX_LAG", "1s");
                }
                case "pg-check-replica" -> {
                    env.put(p + "MAX_LAG", "1s");
                    env.put(p + "DURATION", "5s");
                }
                default -> {
                }
            }
            if (st[1].equals("wait-healthy")) {
                env.put(p + "SOURCE", "verdicts");
                env.put(p + "DURATION", "2m");
            }
        }
    }

    /**
     * Steady state: every observer reports the primary UP, the primary (alone) trades, DNS answers its address
     * at every authoritative server, and the standby received a copy since {@code since}.
     */
    private void awaitSteadyState(Duration timeout, Instant since) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = coordinatorStatus();
            JsonNode sync = get(services.get("state-sync").url() + "/api/v1/status");
            boolean observersUp = status != null && "PRIMARY_ACTIVE".equals(status.path("state").asText())
                    && OBSERVERS.stream().allMatch(o -> {
                        JsonNode ob = status.path("observers").path(o);
                        return !ob.path("stale").asBoolean(true) && "UP".equals(ob.path("sites").path("primary").asText());
                    });
            if (observersUp && syncedSince(sync, since) && "primary".equals(broker.activeEngine(ACCOUNT)) && !standby.engineRunning()
                    && dnsEverywhere(PRIMARY_ADDRESS)) {
                timeline.record("steady", "primary active and trading, 3 observers see it UP, standby synced, DNS on the primary");
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("the suite did not reach steady state in " + timeout + "; logs in " + dir.resolve("logs"));
    }

    /** Whether state-sync has brought the inactive site's copy up to date since {@code since}. */
    public boolean copiedSince(Instant since) {
        return since != null && syncedSince(get(services.get("state-sync").url() + "/api/v1/status"), since);
    }

    private static final Pattern LAST_SUCCESS = Pattern.compile("\"lastSuccessAt\"\\s*:\\s*\"([^\"]+)\"");

    /** Whether state-sync reports a successful copy at or after {@code since}. */
    private static boolean syncedSince(JsonNode sync, Instant since) {
        if (sync == null) {
            return false;
        }
        Matcher m = LAST_SUCCESS.matcher(sync.toString());
        while (m.find()) {
            try {
                if (!Instant.parse(m.group(1)).isBefore(since)) {
                    return true;
                }
            } catch (java.time.format.DateTimeParseException e) {
                // not a timestamp: ignore
            }
        }
        return false;
    }

    /** The leader's status; another coordinator's while none leads (it says why: no quorum, no leader yet). */
    public JsonNode coordinatorStatus() {
        JsonNode any = null;
        for (String name : coordinators()) {
            ServiceProcess c = services.get(name);
            if (c == null || !c.isAlive()) {
                continue;
            }
            JsonNode detail = get(c.url() + "/api/v1/status/detail");
            if (detail != null && detail.path("leader").asBoolean()) {
                return detail.path("status");
            }
            if (any == null && detail != null) {
                any = detail.path("status");
            }
        }
        return any;
    }

    /** The leading coordinator's name, if one leads now. */
    public Optional<String> leader() {
        for (String name : coordinators()) {
            ServiceProcess c = services.get(name);
            if (c != null && c.isAlive()) {
                JsonNode detail = get(c.url() + "/api/v1/status/detail");
                if (detail != null && detail.path("leader").asBoolean()) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    /** Where operator calls go: the leader (the standby's coordinator while none leads: it answers why it refuses). */
    public String leaderUrl() {
        return services.get(leader().orElse(COORDINATOR)).url();
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

    /** The standby site's disk, where its replicated state lives (the namespace world only). */
    public Optional<dev.baton.drill.netns.SmallDisk> standbyDisk() {
        return Optional.ofNullable(standbyDisk);
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

    /**
     * Starts a crashed service again as its restart policy would, without waiting for it: from the drill's place a
     * service behind a partition cannot be seen becoming ready.
     */
    public void startService(String name) throws IOException {
        services.get(name).start();
        timeline.record("services", name + " started again (restart policy)");
    }

    /** Starts a crashed service again with its configuration and port and waits until it is ready. */
    public void restartService(String name) throws Exception {
        ServiceProcess s = services.get(name);
        s.start();
        s.awaitReady(Duration.ofSeconds(120));
        timeline.record("services", name + " restarted and ready");
    }

    /** Cuts the paths from {@code observer} to {@code site} (its engine and its host), as a partition would. */
    public void cutLinks(String observer, SimulatedSite site) {
        requireLinks();
        links.get(observer + "->" + site.name() + ":engine").cut();
        links.get(observer + "->" + site.name() + ":host").cut();
    }

    public void restoreLinks(String observer, SimulatedSite site) {
        requireLinks();
        links.get(observer + "->" + site.name() + ":engine").restore();
        links.get(observer + "->" + site.name() + ":host").restore();
    }

    /**
     * Restarts the coordinators (same store, same ports) with {@code overrides} on top of the drill's settings, one at
     * a time as an operator would: while one restarts, the other grants the sites' start gates their lease.
     */
    public void reconfigureCoordinator(Map<String, String> overrides, String why) throws Exception {
        coordinatorOverrides = Map.copyOf(overrides);
        for (String name : coordinators()) {
            ServiceProcess old = services.get(name);
            old.stop();
            ServiceProcess fresh = new ServiceProcess(old.name(), jar("failover-coordinator"), old.port(), coordinatorEnv(name), dir.resolve("logs"));
            services.put(fresh.name(), fresh);
            fresh.start();
            fresh.awaitReady(Duration.ofSeconds(120));
        }
        timeline.record("config", coordinators().size() + " coordinator(s) restarted " + why);
    }

    /**
     * Brings the world back to the drill's starting point after a run, through Baton's own operator API
     * where Baton is involved: every path and process restored, a DEGRADED state resolved, a frozen
     * coordinator unfrozen, the standby failed back to the primary, exactly the primary's engine trading, DNS
     * on the primary's address, the coordinator on its default settings, and a fresh copy on the standby.
     * Then marks the baseline the next run's checks count from.
     */
    public void reset(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        links.values().forEach(Link::restore);
        if (databases != null) {
            databases.heal();
        }
        if (places.isNetns()) {
            dev.baton.drill.netns.Nemesis.healAll(places.topology().orElseThrow());
        }
        cloudflare.failNext(List.of());
        broker.failSessionApi(false);
        power.powerOn();
        if (standbyDisk != null) {
            standbyDisk.drain();
        }
        for (SimulatedSite site : List.of(primary, standby)) {
            site.resumeEngine();
            if (!site.ssh().isRunning()) {
                site.restoreSsh();
            }
        }
        if (ensemble != null) {
            List<String> restarted = ensemble.restartDead();
            if (!restarted.isEmpty()) {
                timeline.record("reset", "ZooKeeper server(s) of " + restarted + " started again on their data");
            }
        }
        for (ServiceProcess s : services.values()) {
            if (!s.isAlive()) {
                s.start();
                s.awaitReady(Duration.ofSeconds(120));
                timeline.record("reset", s.name() + " started again");
            }
        }
        for (int attempt = 1; ; attempt++) {
            settleOnThePrimary(deadline, limit);
            if (!coordinatorOverrides.isEmpty()) {
                // only now: a coordinator on default settings must find the primary trading, or it fails over
                reconfigureCoordinator(Map.of(), "with the drill's default settings");
            }
            Instant resetAt = Instant.now();
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            try {
                awaitSteadyState(attempt == 1 && left.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : left, resetAt);
                break;
            } catch (IOException notSteady) {
                if (attempt >= 3 || System.nanoTime() > deadline) {
                    throw notSteady;
                }
                timeline.record("reset", "not steady (state " + state() + "); settling again");
            }
        }
        if (databases != null) {
            databases.reset();
            timeline.record("reset", "PostgreSQL pair: the primary's server writable, the standby's a fresh replica streaming from it");
        }
        markBaseline();
    }

    /**
     * Drives the coordinator back to "primary active" through its operator API and waits until the primary's
     * engine (alone) trades and every observer sees the primary UP.
     */
    private void settleOnThePrimary(long deadline, Duration limit) throws Exception {
        while (true) {
            String coordinator = leaderUrl();
            if (System.nanoTime() > deadline) {
                throw new IOException("the world did not return to its baseline in " + limit + "; state " + state()
                        + "; logs in " + dir.resolve("logs"));
            }
            JsonNode s = coordinatorStatus();
            String state = s == null ? "?" : s.path("state").asText();
            if (s == null || state.startsWith("FAILING")) {
                Thread.sleep(200);
                continue;
            }
            if (s.path("frozen").asBoolean()) {
                delete(coordinator + "/api/v1/freeze");
                continue;
            }
            if (state.equals("DEGRADED")) {
                // an operator makes sure the site Baton does not consider active runs no engine, then resolves
                SimulatedSite inactive = s.path("activeSite").asText().equals("primary") ? standby : primary;
                inactive.stopEngineByHand();
                HttpResponse<String> r = post(coordinator + "/api/v1/resolve", Map.of("reason", "drill reset between runs"));
                timeline.record("reset", "DEGRADED resolved (" + r.statusCode() + ")");
                Thread.sleep(r.statusCode() == 200 ? 0 : 500);
                continue;
            }
            if (state.equals("STANDBY_ACTIVE")) {
                HttpResponse<String> r = post(coordinator + "/api/v1/failback", Map.of("reason", "drill reset between runs", "dryRun", false));
                timeline.record("reset", "failback requested (" + r.statusCode() + ")");
                Thread.sleep(r.statusCode() == 202 ? 200 : 1000);
                continue;
            }
            // PRIMARY_ACTIVE
            if (standby.engineRunning()) {
                Thread.sleep(200); // the split-brain guard fences it within its interval
                continue;
            }
            if (!primary.engineRunning()) {
                primary.bringBackEngine(); // its start gate lets it through: the primary is the active site
                timeline.record("reset", "primary engine started again (restart policy, through its gate)");
                continue;
            }
            boolean seenUp = OBSERVERS.stream().allMatch(o -> {
                JsonNode ob = s.path("observers").path(o);
                return !ob.path("stale").asBoolean(true) && "UP".equals(ob.path("sites").path("primary").asText());
            });
            if ("primary".equals(broker.activeEngine(ACCOUNT)) && seenUp) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private void markBaseline() {
        baseline = new Baseline(Instant.now(), broker.violations().size(), broker.logins().size(), telegram.messages().size(),
                mailsReceived());
        primary.markOutput();
        standby.markOutput();
    }

    /** What the world had recorded when the current run began: its checks count from here. */
    public record Baseline(Instant at, int violations, int logins, int telegram, int mails) {
    }

    public Baseline baseline() {
        return baseline;
    }

    /** Broker violations since the current run began. */
    public List<BrokerSimulator.Violation> violations() {
        List<BrokerSimulator.Violation> all = broker.violations();
        return all.subList(Math.min(baseline.violations(), all.size()), all.size());
    }

    /** Broker logins since the current run began. */
    public List<BrokerSimulator.Login> logins() {
        List<BrokerSimulator.Login> all = broker.logins();
        return all.subList(Math.min(baseline.logins(), all.size()), all.size());
    }

    /** The Telegram messages the notifier delivered since the current run began. */
    public List<String> telegramMessagesSinceBaseline() {
        List<String> all = telegram.messages();
        return all.subList(Math.min(baseline.telegram(), all.size()), all.size());
    }

    public int telegramSinceBaseline() {
        return telegram.messages().size() - baseline.telegram();
    }

    public int mailsSinceBaseline() {
        return mailsReceived() - baseline.mails();
    }

    private String state() {
        JsonNode s = coordinatorStatus();
        return s == null ? "?" : s.path("state").asText();
    }

    private void delete(String url) throws IOException, InterruptedException {
        HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("X-Baton-Actor", "drill").DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /**
     * A whole place is lost at once: its site's engine, SSH server and every path to it, its observer, and its
     * coordinator and ZooKeeper server. {@link #reset} brings everything back (ZooKeeper on its data).
     */
    public void losePlace(String place) throws Exception {
        SimulatedSite site = place.equals("primary") ? primary : place.equals("standby") ? standby : null;
        List<String> gone = new ArrayList<>();
        if (places.isNetns()) {
            // the place's port on the WAN goes down: nothing in or out, what runs there runs on unseen
            dev.baton.drill.netns.Nemesis.partition(place).inject(places.topology().orElseThrow());
            gone.add("every path to and from the " + place + " namespace");
        }
        if (site != null) {
            site.crashEngine();
            site.cutSsh();
            if (!places.isNetns()) {
                for (String observer : OBSERVERS) {
                    cutLinks(observer, site);
                }
            }
            gone.add("engine, SSH server and every path to the " + place + " site");
        }
        String observer = place.equals("primary") ? "primary-side" : place;
        services.get("health-checker-" + observer).kill();
        gone.add("observer " + observer);
        String coordinator = place.equals("standby") ? COORDINATOR : place.equals("witness") ? WITNESS_COORDINATOR : null;
        if (coordinator != null && coordinators().contains(coordinator)) {
            services.get(coordinator).kill();
            gone.add(coordinator);
        }
        if (ensemble != null) {
            ensemble.server(place).kill();
            gone.add("ZooKeeper server " + place);
        }
        timeline.record("fault", "place " + place + " lost (SIGKILL, SSH down, paths cut): " + String.join(", ", gone));
    }

    /** Kills one observer's health-checker (its site lost); {@link #reset} starts it again. */
    /**
     * The place comes back after {@link #losePlace}: its network, then its processes as their restart policies
     * would start them (the site's engine through its start gate, which decides whether it may trade).
     */
    public void restorePlace(String place) throws Exception {
        if (places.isNetns()) {
            dev.baton.drill.netns.Nemesis.partition(place).heal(places.topology().orElseThrow());
        }
        SimulatedSite site = place.equals("primary") ? primary : place.equals("standby") ? standby : null;
        if (site != null) {
            if (!places.isNetns()) {
                for (String observer : OBSERVERS) {
                    restoreLinks(observer, site);
                }
            }
            if (!site.ssh().isRunning()) {
                site.restoreSsh();
            }
        }
        if (ensemble != null) {
            ensemble.restartDead();
        }
        String observer = place.equals("primary") ? "primary-side" : place;
        String coordinator = place.equals("standby") ? COORDINATOR : place.equals("witness") ? WITNESS_COORDINATOR : null;
        for (String name : java.util.Arrays.asList("health-checker-" + observer, coordinator)) {
            ServiceProcess s = name == null ? null : services.get(name);
            if (s != null && !s.isAlive()) {
                restartService(name);
            }
        }
        if (site != null) {
            site.bringBackEngine();
        }
        timeline.record("heal", "place " + place + " back: network, SSH, its processes restarted (the engine through its gate)");
    }

    public void killObserver(String observer) throws InterruptedException {
        services.get("health-checker-" + observer).kill();
        timeline.record("fault", "observer " + observer + " gone (SIGKILL)");
    }

    public ServiceProcess service(String name) {
        return services.get(name);
    }

    public PowerApiFake power() {
        return power;
    }

    public CloudflareFront cloudflare() {
        return cloudflare;
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
        return dev.baton.drill.Ports.free();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called by the hook itself
        }
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
