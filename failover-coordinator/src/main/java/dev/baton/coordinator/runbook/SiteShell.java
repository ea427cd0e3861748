package dev.baton.coordinator.runbook;

import dev.baton.common.ssh.ExecResult;
import dev.baton.common.ssh.SshConnection;
import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshFailure;
import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.store.Leadership;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;

/**
 * What the coordinator does to a site over SSH: drive its compose stack, run runbook commands with
 * {@code BATON_EPOCH} and {@code BATON_TERM} exported, write the epoch file. Every command that changes a site is
 * sent only while this instance leads (a deposed leader sends nothing more). Blocking; runbook threads only.
 */
@ApplicationScoped
public class SiteShell {
    public static final String EPOCH_ENV = "BATON_EPOCH";
    public static final String TERM_ENV = "BATON_TERM";

    private final SshConnector connector;
    private final Sites sites;
    private final Duration connectTimeout;
    private final LongSupplier actingTerm;

    private final SiteLinks links;

    @Inject
    public SiteShell(SshConnector connector, Sites sites, CoordinatorConfig config, SiteLinks links, Leadership leadership) {
        this(connector, sites, config, links, leadership::actingTerm);
    }

    /** @param actingTerm this instance's leadership term; throws {@link dev.baton.coordinator.store.NotLeader} when it does not lead */
    public SiteShell(SshConnector connector, Sites sites, CoordinatorConfig config, SiteLinks links, LongSupplier actingTerm) {
        this.connector = connector;
        this.sites = sites;
        this.connectTimeout = config.fence().connectTimeout();
        this.links = links;
        this.actingTerm = actingTerm;
    }

    /** How the last SSH connection to each site went. */
    public SiteLinks links() {
        return links;
    }

    /** An authenticated session to {@code site}; how it went is recorded for the status API. */
    private SshConnection open(String site) throws SshFailure {
        try {
            SshConnection c = connector.connect(sites.endpoint(site), connectTimeout);
            links.connected(site);
            return c;
        } catch (SshFailure e) {
            links.failed(site, e);
            throw e;
        }
    }

    /** Runs {@code command} on {@code site} with the epoch exported. */
    public ExecResult exec(String site, String command, long epoch, Duration timeout) throws SshFailure {
        return exec(site, command, epoch, Map.of(), timeout);
    }

    /** Runs {@code command} on {@code site} with the epoch and {@code env} exported. */
    public ExecResult exec(String site, String command, long epoch, Map<String, String> env, Duration timeout) throws SshFailure {
        Map<String, String> all = new java.util.LinkedHashMap<>(env);
        all.put(EPOCH_ENV, Long.toString(epoch));
        all.put(TERM_ENV, Long.toString(actingTerm.getAsLong()));
        try (SshConnection c = open(site)) {
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
        Map<String, String> env = Map.of(EPOCH_ENV, Long.toString(epoch), TERM_ENV, Long.toString(actingTerm.getAsLong()));
        try (SshConnection c = open(site)) {
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
        try (SshConnection c = open(site)) {
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

    /**
     * Compare-and-write of the site's epoch file over SFTP: reads the epoch the site holds and refuses to lower it
     * ({@link SiteEpochAhead}); otherwise writes {@code epoch} to a temp file and renames it over the old one
     * (posix-rename where the server offers it), so a reader such as the start gate sees the old or the new
     * number, never a torn one. Creates the directory when missing. Not atomic against a second writer between
     * the read and the rename: two coordinators acting at once is what the epoch and the leader lease rule out.
     * The leadership term goes beside it ({@code <epoch file>.term}, written first): at the same epoch a lower term
     * than the site holds is refused too (a deposed leader's late write).
     */
    public void writeEpoch(String site, long epoch, long term) throws SshFailure, SiteEpochAhead {
        actingTerm.getAsLong();
        String file = epochFile(site);
        try (SshConnection c = open(site); SftpClient sftp = c.sftp()) {
            int slash = file.lastIndexOf('/');
            if (slash > 0) {
                String dir = file.substring(0, slash);
                try {
                    sftp.stat(dir);
                } catch (IOException missing) {
                    sftp.mkdir(dir);
                }
            }
            long held = heldEpoch(sftp, file);
            if (held > epoch) {
                throw new SiteEpochAhead(site, held, epoch);
            }
            long heldTerm = held == epoch ? heldEpoch(sftp, file + ".term") : -1;
            if (heldTerm > term) {
                throw SiteEpochAhead.term(site, epoch, heldTerm, term);
            }
            replace(sftp, file + ".term", term);
            replace(sftp, file, epoch);
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.PROTOCOL, "writing " + file + " on " + site + " failed: " + e.getMessage(), e);
        }
    }

    /** Writes {@code value} to a temp file and renames it over {@code file}: readers see the old or the new number. */
    private static void replace(SftpClient sftp, String file, long value) throws IOException {
        String temp = file + ".tmp";
        try (OutputStream out = sftp.write(temp)) {
            out.write((value + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix.isSupported()) {
            posix.posixRename(temp, file);
        } else {
            sftp.rename(temp, file, SftpClient.CopyMode.Overwrite, SftpClient.CopyMode.Atomic);
        }
    }

    /** The epoch {@code site} holds now; -1 when its epoch file does not exist or holds no number. */
    public long readEpoch(String site) throws SshFailure {
        String file = epochFile(site);
        try (SshConnection c = open(site); SftpClient sftp = c.sftp()) {
            return heldEpoch(sftp, file);
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.PROTOCOL, "reading " + file + " on " + site + " failed: " + e.getMessage(), e);
        }
    }

    private String epochFile(String site) {
        CoordinatorConfig.Site s = sites.site(site);
        return s.epochFile().orElse(s.root() + "/.baton/epoch");
    }

    /** Read as the start gate reads it: the digits in the file (-1 when there is no file, or no digit in it). */
    private static long heldEpoch(SftpClient sftp, String file) throws IOException {
        byte[] content;
        try (java.io.InputStream in = sftp.read(file)) {
            content = in.readNBytes(64);
        } catch (org.apache.sshd.sftp.common.SftpException e) {
            if (e.getStatus() == org.apache.sshd.sftp.common.SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return -1;
            }
            throw e;
        }
        String digits = new String(content, StandardCharsets.US_ASCII).replaceAll("[^0-9]", "");
        if (digits.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // more digits than a long: certainly not lower than ours
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
