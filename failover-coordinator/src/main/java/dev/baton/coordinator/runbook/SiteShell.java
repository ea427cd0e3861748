package dev.baton.coordinator.runbook;

import dev.baton.common.ssh.ExecResult;
import dev.baton.common.ssh.SshConnection;
import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshFailure;
import dev.baton.coordinator.config.CoordinatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * What the coordinator does to a site over SSH: drive its compose stack, run runbook commands with
 * {@code BATON_EPOCH} exported, write the epoch file. Blocking; runbook threads only.
 */
@ApplicationScoped
public class SiteShell {
    public static final String EPOCH_ENV = "BATON_EPOCH";

    private final SshConnector connector;
    private final Sites sites;
    private final Duration connectTimeout;

    public SiteShell(SshConnector connector, Sites sites, CoordinatorConfig config) {
        this.connector = connector;
        this.sites = sites;
        this.connectTimeout = config.fence().connectTimeout();
    }

    /** Runs {@code command} on {@code site} with the epoch exported. */
    public ExecResult exec(String site, String command, long epoch, Duration timeout) throws SshFailure {
        return exec(site, command, epoch, Map.of(), timeout);
    }

    /** Runs {@code command} on {@code site} with the epoch and {@code env} exported. */
    public ExecResult exec(String site, String command, long epoch, Map<String, String> env, Duration timeout) throws SshFailure {
        Map<String, String> all = new java.util.LinkedHashMap<>(env);
        all.put(EPOCH_ENV, Long.toString(epoch));
        try (SshConnection c = connector.connect(sites.endpoint(site), connectTimeout)) {
            return c.exec(command, all, timeout);
        }
    }

    /** {@code <compose> --project-directory <root> <args>}. */
    public String compose(String site, String args) {
        CoordinatorConfig.Site s = sites.site(site);
        return s.composeCommand() + " --project-directory " + SshConnection.shellQuote(s.root()) + " " + args;
    }

    public List<String> engineServices(String site) {
        return sites.site(site).engineServices();
    }

    /** Stops the engine services, then lists which of them still run (empty = confirmed stopped). */
    public Set<String> stopEngine(String site, long epoch, Duration timeout) throws SshFailure {
        String services = String.join(" ", engineServices(site));
        try (SshConnection c = connector.connect(sites.endpoint(site), connectTimeout)) {
            Map<String, String> env = Map.of(EPOCH_ENV, Long.toString(epoch));
            ExecResult stop = c.exec(compose(site, "stop " + services), env, timeout);
            Set<String> running = running(c, site, timeout);
            if (!stop.succeeded() && running.isEmpty()) {
                // a failed stop whose ps also fails says nothing: treat as unconfirmed
                throw new SshFailure(SshFailure.Kind.PROTOCOL, "stop exited " + stop.exitCode() + ": " + firstLine(stop.stderr()));
            }
            return running;
        }
    }

    /** The engine services running on {@code site} now, by {@code compose ps}. */
    public Set<String> runningEngine(String site, Duration timeout) throws SshFailure {
        try (SshConnection c = connector.connect(sites.endpoint(site), connectTimeout)) {
            return running(c, site, timeout);
        }
    }

    private Set<String> running(SshConnection c, String site, Duration timeout) throws SshFailure {
        ExecResult ps = c.exec(compose(site, "ps --services --filter status=running"), timeout);
        if (!ps.succeeded()) {
            throw new SshFailure(SshFailure.Kind.PROTOCOL, "compose ps exited " + ps.exitCode() + ": " + firstLine(ps.stderr()));
        }
        Set<String> listed = Arrays.stream(ps.stdout().split("\\R")).map(String::trim).filter(l -> !l.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        listed.retainAll(engineServices(site));
        return listed;
    }

    /** Writes the epoch to the site's epoch file over SFTP (creating its directory). */
    public void writeEpoch(String site, long epoch) throws SshFailure {
        CoordinatorConfig.Site s = sites.site(site);
        String file = s.epochFile().orElse(s.root() + "/.baton/epoch");
        try (SshConnection c = connector.connect(sites.endpoint(site), connectTimeout); SftpClient sftp = c.sftp()) {
            int slash = file.lastIndexOf('/');
            if (slash > 0) {
                String dir = file.substring(0, slash);
                try {
                    sftp.stat(dir);
                } catch (IOException missing) {
                    sftp.mkdir(dir);
                }
            }
            try (OutputStream out = sftp.write(file)) {
                out.write((epoch + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.PROTOCOL, "writing " + file + " on " + site + " failed: " + e.getMessage(), e);
        }
    }

    static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "(no output)";
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
