package dev.baton.healthchecker.probe;

import dev.baton.common.json.JsonCondition;
import dev.baton.common.ssh.SshEndpoint;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One validated check. {@code target} is what is probed; {@link #displayTarget()} is the same with any
 * credentials removed, and is the only form that leaves the process (API, push, metrics, logs).
 */
public record CheckDefinition(
        String name,
        String site,
        CheckType type,
        String target,
        String displayTarget,
        Duration interval,
        Duration timeout,
        int failureThreshold,
        int successThreshold,
        boolean critical,
        Options options) {

    /** Type-specific options; exactly one implementation per {@link CheckType}. */
    public sealed interface Options permits Http, Tcp, Postgres, SshCommand, Process {
    }

    /** One {@code path == value} condition on a JSON body. */
    public record Http(URI uri, String method, Map<String, String> headers, Optional<String> body,
            Set<Integer> expectedStatus, List<JsonCondition> jsonEquals, Optional<Pattern> bodyRegex,
            Optional<Duration> maxLatency, boolean tlsVerify, Optional<Path> caCert, int maxBodyBytes) implements Options {

        public boolean readsBody() {
            return !jsonEquals.isEmpty() || bodyRegex.isPresent();
        }
    }

    public record Tcp(String host, int port, Optional<String> send, Optional<String> expect) implements Options {
    }

    public record Postgres(String host, int port, String database, String user, Optional<String> password,
            Optional<String> role, Optional<Duration> maxReplayLag) implements Options {
        @Override
        public String toString() {
            return "Postgres[" + user + "@" + host + ":" + port + "/" + database + "]";
        }
    }

    public record SshCommand(SshEndpoint endpoint, String command) implements Options {
    }

    public record Process(boolean pidFile) implements Options {
    }

    @Override
    public String toString() {
        // never print options: they may hold a password
        return "CheckDefinition[" + name + " " + type.wireName() + " " + displayTarget + "]";
    }
}
