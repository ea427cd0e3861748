package dev.baton.healthchecker.config;

import dev.baton.common.ssh.KeyPassphrase;
import dev.baton.common.ssh.SshEndpoint;
import dev.baton.healthchecker.probe.CheckDefinition;
import dev.baton.common.json.JsonCondition;
import dev.baton.healthchecker.probe.CheckType;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns configuration into validated {@link CheckDefinition}s, or stops startup with one line per
 * problem, each naming its key ({@code baton.health.checks[2].timeout: ...}).
 */
@Startup
@ApplicationScoped
public class CheckCatalog {
    static final String PREFIX = "baton.health.";
    /** What the wire contract ({@code VerdictReport}, {@code SiteVerdict}, {@code CheckResult}) accepts. */
    static final int MAX_SITES = 50;
    static final int MAX_CHECKS_PER_SITE = 500;
    static final int MAX_TARGET_LENGTH = 1000;

    private final List<CheckDefinition> checks;
    private final List<URI> coordinators;

    public CheckCatalog(HealthCheckerConfig config) {
        List<String> errors = new ArrayList<>();
        this.checks = List.copyOf(checks(config.checks(), errors));
        this.coordinators = List.copyOf(coordinators(config.push(), errors));
        if (!errors.isEmpty()) {
            throw new InvalidConfigException(errors);
        }
    }

    public List<CheckDefinition> checks() {
        return checks;
    }

    public List<URI> coordinators() {
        return coordinators;
    }

    /** Thrown at startup; the message lists every problem, one per line, each starting with its key. */
    public static final class InvalidConfigException extends IllegalStateException {
        private final List<String> problems;

        InvalidConfigException(List<String> problems) {
            super("Invalid health-checker configuration:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private static List<URI> coordinators(HealthCheckerConfig.Push push, List<String> errors) {
        List<URI> result = new ArrayList<>();
        List<String> urls = push.coordinators().orElse(List.of());
        for (int i = 0; i < urls.size(); i++) {
            String key = PREFIX + "push.coordinators[" + i + "]";
            httpUri(urls.get(i), key, errors).ifPresent(result::add);
        }
        if (!urls.isEmpty() && push.token().filter(t -> !t.isBlank()).isEmpty()) {
            errors.add(PREFIX + "push.token: required when " + PREFIX + "push.coordinators is set");
        }
        if (!positive(push.heartbeat())) {
            errors.add(PREFIX + "push.heartbeat: must be positive, was " + push.heartbeat());
        }
        if (!positive(push.timeout())) {
            errors.add(PREFIX + "push.timeout: must be positive, was " + push.timeout());
        }
        if (!positive(push.initialBackoff()) || push.maxBackoff().compareTo(push.initialBackoff()) < 0) {
            errors.add(PREFIX + "push.initial-backoff: must be positive and not above push.max-backoff");
        }
        return result;
    }

    private static List<CheckDefinition> checks(List<HealthCheckerConfig.Check> configured, List<String> errors) {
        List<CheckDefinition> result = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        Map<String, Integer> perSite = new LinkedHashMap<>();
        for (int i = 0; i < configured.size(); i++) {
            HealthCheckerConfig.Check c = configured.get(i);
            String key = PREFIX + "checks[" + i + "].";
            Integer first = seen.putIfAbsent(c.name(), i);
            if (first != null) {
                errors.add(key + "name: duplicate check name '" + c.name() + "' (also " + PREFIX + "checks[" + first + "].name)");
                continue;
            }
            int before = errors.size();
            int inSite = perSite.merge(c.site(), 1, Integer::sum);
            if (inSite == MAX_CHECKS_PER_SITE + 1) {
                errors.add(key + "site: more than " + MAX_CHECKS_PER_SITE + " checks for site '" + c.site()
                        + "' (a verdict carries at most " + MAX_CHECKS_PER_SITE + ")");
            }
            if (perSite.size() == MAX_SITES + 1 && inSite == 1) {
                errors.add(key + "site: more than " + MAX_SITES + " sites (a verdict report carries at most " + MAX_SITES + ")");
            }
            if (c.target().length() > MAX_TARGET_LENGTH) {
                errors.add(key + "target: longer than " + MAX_TARGET_LENGTH + " characters");
            }
            Optional<CheckType> type = CheckType.of(c.type());
            if (type.isEmpty()) {
                errors.add(key + "type: unknown check type '" + c.type() + "'; known: " + CheckType.known());
            }
            if (!positive(c.interval())) {
                errors.add(key + "interval: must be positive, was " + human(c.interval()));
            }
            if (!positive(c.timeout())) {
                errors.add(key + "timeout: must be positive, was " + human(c.timeout()));
            } else if (positive(c.interval()) && c.timeout().compareTo(c.interval()) > 0) {
                errors.add(key + "timeout: " + human(c.timeout()) + " is longer than the interval " + human(c.interval()));
            }
            if (type.isEmpty()) {
                continue;
            }
            CheckDefinition.Options options = options(type.get(), c, key, errors);
            if (errors.size() == before) {
                result.add(new CheckDefinition(c.name(), c.site(), type.get(), c.target(), displayTarget(type.get(), c.target()),
                        c.interval(), c.timeout(), c.failureThreshold(), c.successThreshold(), c.critical(), options));
            }
        }
        return result;
    }

    private static CheckDefinition.Options options(CheckType type, HealthCheckerConfig.Check c, String key, List<String> errors) {
        return switch (type) {
            case HTTP -> http(c, key, errors);
            case TCP -> tcp(c, key, errors);
            case POSTGRES -> postgres(c, key, errors);
            case SSH_COMMAND -> ssh(c, key, errors);
            case PROCESS -> new CheckDefinition.Process("pid-file".equals(c.process().match()));
        };
    }

    private static CheckDefinition.Options http(HealthCheckerConfig.Check c, String key, List<String> errors) {
        HealthCheckerConfig.Http h = c.http();
        URI uri = httpUri(c.target(), key + "target", errors).orElse(null);
        Set<Integer> statuses = new LinkedHashSet<>();
        for (int status : h.expectedStatus()) {
            if (status < 100 || status > 599) {
                errors.add(key + "http.expected-status: " + status + " is not an HTTP status");
            }
            statuses.add(status);
        }
        List<JsonCondition> conditions = new ArrayList<>();
        List<String> json = h.jsonEquals().orElse(List.of());
        for (int j = 0; j < json.size(); j++) {
            Optional<JsonCondition> condition = parseCondition(json.get(j));
            if (condition.isPresent()) {
                conditions.add(condition.get());
            } else {
                errors.add(key + "http.json-equals[" + j + "]: '" + json.get(j) + "' is not of the form <dotted.path> == <value>");
            }
        }
        Optional<Pattern> regex = Optional.empty();
        if (h.bodyRegex().isPresent()) {
            try {
                regex = Optional.of(Pattern.compile(h.bodyRegex().get()));
            } catch (PatternSyntaxException e) {
                errors.add(key + "http.body-regex: not a regular expression: " + e.getDescription());
            }
        }
        if (h.maxLatency().isPresent() && !positive(h.maxLatency().get())) {
            errors.add(key + "http.max-latency: must be positive");
        }
        if (h.caCert().isPresent() && !java.nio.file.Files.isReadable(h.caCert().get())) {
            errors.add(key + "http.ca-cert: " + h.caCert().get() + " is not readable");
        }
        return new CheckDefinition.Http(uri, h.method(), Map.copyOf(h.headers()), h.body(), Set.copyOf(statuses),
                List.copyOf(conditions), regex, h.maxLatency(), h.tlsVerify(), h.caCert(), h.maxBodyBytes());
    }

    /** {@code a.b[0].c == value}: path segments and the expected value (a JSON literal or a bare string). */
    static Optional<JsonCondition> parseCondition(String text) {
        return JsonCondition.parse(text);
    }

    private static CheckDefinition.Options tcp(HealthCheckerConfig.Check c, String key, List<String> errors) {
        Optional<HostPort> hp = hostPort(c.target());
        if (hp.isEmpty()) {
            errors.add(key + "target: '" + c.target() + "' is not host:port");
            return null;
        }
        return new CheckDefinition.Tcp(hp.get().host(), hp.get().port(), c.tcp().send().map(CheckCatalog::unescape),
                c.tcp().expect().map(CheckCatalog::unescape));
    }

    private static CheckDefinition.Options postgres(HealthCheckerConfig.Check c, String key, List<String> errors) {
        HealthCheckerConfig.Postgres p = c.postgres();
        URI uri;
        try {
            uri = new URI(c.target());
        } catch (URISyntaxException e) {
            errors.add(key + "target: not a postgresql:// URL");
            return null;
        }
        if (!("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme())) || uri.getHost() == null) {
            errors.add(key + "target: must be postgresql://host[:port]/database");
            return null;
        }
        if (p.role().isPresent() && !Set.of("primary", "replica").contains(p.role().get())) {
            errors.add(key + "postgres.role: must be primary or replica, was '" + p.role().get() + "'");
        }
        String user = p.username().orElse(null);
        Optional<String> password = p.password();
        if (uri.getRawUserInfo() != null) {
            String[] info = uri.getRawUserInfo().split(":", 2);
            user = user == null ? decode(info[0]) : user;
            password = password.isPresent() || info.length < 2 ? password : Optional.of(decode(info[1]));
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new CheckDefinition.Postgres(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432,
                path.isEmpty() ? "postgres" : path, user == null ? "postgres" : user, password, p.role(), p.maxReplayLag());
    }

    private static CheckDefinition.Options ssh(HealthCheckerConfig.Check c, String key, List<String> errors) {
        HealthCheckerConfig.Ssh s = c.ssh();
        List<String> missing = new ArrayList<>();
        if (s.host().isEmpty()) {
            missing.add("host");
        }
        if (s.user().isEmpty()) {
            missing.add("user");
        }
        if (s.privateKey().isEmpty()) {
            missing.add("private-key");
        }
        if (s.knownHosts().isEmpty()) {
            missing.add("known-hosts");
        }
        if (!missing.isEmpty()) {
            missing.forEach(m -> errors.add(key + "ssh." + m + ": required for ssh-command checks"));
            return null;
        }
        KeyPassphrase passphrase;
        try {
            passphrase = KeyPassphrase.from(s.privateKeyPassphrase(), s.privateKeyPassphraseFile(), key + "ssh.private-key-passphrase-file");
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
            return null;
        }
        return new CheckDefinition.SshCommand(new SshEndpoint(s.host().get(), s.port(), s.user().get(), s.privateKey().get(),
                s.knownHosts().get(), passphrase), c.target());
    }

    private static Optional<URI> httpUri(String text, String key, List<String> errors) {
        try {
            URI uri = new URI(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        errors.add(key + ": '" + redactUserInfo(text) + "' is not an absolute http:// or https:// URL");
        return Optional.empty();
    }

    record HostPort(String host, int port) {
    }

    static Optional<HostPort> hostPort(String text) {
        try {
            URI uri = new URI("tcp://" + text);
            if (uri.getHost() != null && uri.getPort() > 0 && uri.getPort() <= 65_535 && uri.getPath().isEmpty()) {
                return Optional.of(new HostPort(uri.getHost(), uri.getPort()));
            }
        } catch (URISyntaxException e) {
            // not host:port
        }
        return Optional.empty();
    }

    /** The target as it may be shown anywhere: URL user-info (passwords) removed. */
    static String displayTarget(CheckType type, String target) {
        return switch (type) {
            case HTTP, POSTGRES -> redactUserInfo(target);
            default -> target;
        };
    }

    static String redactUserInfo(String text) {
        return text.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t");
    }

    static String human(Duration d) {
        if (d.toNanos() % 1_000_000 != 0) {
            return d.toString();
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
