package dev.baton.statesync.sync;

import dev.baton.common.ssh.ExecResult;
import dev.baton.common.ssh.RemoteCommand;
import dev.baton.common.ssh.SshConnection;
import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshEndpoint;
import dev.baton.common.ssh.SshFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.sftp.client.SftpClient;
import org.jboss.logging.Logger;

/**
 * One site with a kept-open SSH session and SFTP channels: polling every 200 ms must not pay a
 * handshake each time. Channels are reopened on the next use after a failure. Whether the site can
 * take the {@link Transport#STREAM} transport is probed once per session.
 */
public final class Site implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Site.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    /** Cuts {@link #run} commands at their timeout; one daemon thread for every site, it only closes channels. */
    private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "state-sync-command-deadline");
                t.setDaemon(true);
                return t;
            });
    /**
     * SFTP channels a streaming site keeps; with the commands of a cycle (two tar streams, their checks,
     * a prune) this stays under OpenSSH's default MaxSessions of 10.
     */
    static final int STREAMING_SFTP_CHANNELS = 3;

    private final String name;
    private final SshEndpoint endpoint;
    private final String root;
    private final SshConnector connector;
    private final Duration connectTimeout;
    private final Sftp[] channels;
    private final Transport transport;
    private SshConnection connection;
    /** Probe result for this session: null = not probed yet. */
    private Boolean streams;
    /** Whether the probe found the openssl command (hashes with the CPU's SHA instructions). */
    private volatile boolean openssl;

    /**
     * @param channels SFTP channels opened on the one SSH session. Each is served by its own
     *                 sftp-server process on OpenSSH, so several let the target's CPU cores and
     *                 disk (concurrent fsyncs share journal commits) work in parallel.
     * @param transport how file content may travel to and from this site
     */
    public Site(String name, SshEndpoint endpoint, String root, SshConnector connector, Duration connectTimeout,
            int channels, Transport transport) {
        this.name = name;
        this.endpoint = endpoint;
        this.root = root.length() > 1 && root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.connector = connector;
        this.connectTimeout = connectTimeout;
        this.channels = new Sftp[Math.max(1, channels)];
        this.transport = transport;
    }

    public String name() {
        return name;
    }

    public String root() {
        return root;
    }

    public String describe() {
        return name + " (" + endpoint.describe() + ")";
    }

    /** The first SFTP channel, connecting first if needed. Blocking. */
    public Sftp sftp() throws SyncFailed {
        return channel(0);
    }

    /** SFTP channel {@code n} (modulo the channel count), connecting and opening it if needed. Blocking. */
    public synchronized Sftp channel(int n) throws SyncFailed {
        // a streaming site needs few SFTP channels (listing, stragglers) and room for its commands: OpenSSH
        // allows 10 channels per connection (MaxSessions)
        int open = Boolean.TRUE.equals(streams) ? Math.min(channels.length, STREAMING_SFTP_CHANNELS) : channels.length;
        int i = Math.floorMod(n, open);
        if (connection != null && !connection.isOpen()) {
            disconnect();
        }
        try {
            if (connection == null) {
                connection = connector.connect(endpoint, connectTimeout);
                LOG.debugf("connected to site %s", describe());
            }
            if (channels[i] == null || !channels[i].isOpen()) {
                SftpClient client = connection.sftp();
                channels[i] = new Sftp(client, name);
            }
            return channels[i];
        } catch (SshFailure e) {
            disconnect();
            throw new SyncFailed("site " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * True if file content may stream through commands on this site: always false for
     * {@link Transport#SFTP}; for {@link Transport#AUTO} the result of a probe run once per session
     * (GNU tar, sha256sum and xargs present, and the shell sees the same root directory as SFTP).
     *
     * @throws SyncFailed for {@link Transport#STREAM} on a site that fails the probe
     */
    public synchronized boolean streams() throws SyncFailed {
        if (transport == Transport.SFTP) {
            return false;
        }
        Sftp sftp = channel(0);
        if (streams == null) {
            String refusal = probe(sftp);
            streams = refusal == null;
            if (refusal != null && transport == Transport.STREAM) {
                streams = null;
                throw new SyncFailed("site " + name + ": transport=stream needs " + refusal);
            }
            LOG.infof("site %s: %s transport%s", name, streams ? "stream" : "SFTP",
                    streams ? "" : " (stream unavailable: " + refusal + ")");
        }
        return streams;
    }

    /** Null if the site can stream, else what is missing. */
    private String probe(Sftp sftp) throws SyncFailed {
        String marker = "--baton-root--";
        String command = "cd -- " + SshConnection.shellQuote(root) + " && LC_ALL=C tar --version | head -n 1"
                + " && printf '' | sha256sum -z >/dev/null && printf '' | xargs -0 -r true"
                + " && { command -v openssl >/dev/null && echo openssl || true; } && echo " + marker
                + " && ls -A1";
        try {
            ExecResult r = connection.exec(command, PROBE_TIMEOUT);
            if (!r.succeeded()) {
                return "a shell with GNU tar, sha256sum and xargs (exit " + r.exitCode() + ": "
                        + firstLine(r.stderr()) + ")";
            }
            if (!r.stdout().startsWith("tar (GNU tar)")) {
                return "GNU tar (found " + firstLine(r.stdout()) + ")";
            }
            int at = r.stdout().indexOf(marker + "\n");
            openssl = r.stdout().substring(0, at).contains("\nopenssl\n");
            Set<String> shell = new HashSet<>(List.of(r.stdout().substring(at + marker.length() + 1).split("\n")));
            shell.remove("");
            Set<String> sftpNames = new HashSet<>();
            for (var e : sftp.list(root)) {
                sftpNames.add(e.getFilename());
            }
            if (!shell.equals(sftpNames)) {
                return "the shell to see " + root + " as SFTP does (a chroot or a virtual SFTP root differs)";
            }
            return null;
        } catch (SshFailure e) {
            return "exec (" + e.getMessage() + ")";
        } catch (IOException e) {
            disconnect();
            throw new SyncFailed("site " + name + ": listing " + root + " failed: " + e.getMessage(), e);
        }
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /**
     * The command that prints the SHA-256 of the files named NUL-separated on stdin, one per line as
     * {@code <64 hex> <one char> <name>}: OpenSSL's where the site has it (several times faster than
     * coreutils' on CPUs with SHA instructions), else {@code sha256sum}. Names never contain a newline
     * (the path rules refuse them).
     */
    public String sha256Command() {
        return openssl ? "xargs -0 -r openssl dgst -sha256 -r --" : "xargs -0 -r sha256sum --";
    }

    /** Starts a command with streamed stdin/stdout on this site's session. */
    public RemoteCommand start(String command) throws SyncFailed {
        SshConnection c;
        synchronized (this) {
            channel(0);
            c = connection;
        }
        try {
            return c.start(command, connectTimeout);
        } catch (SshFailure e) {
            disconnect();
            throw new SyncFailed("site " + name + ": " + e.getMessage(), e);
        }
    }

    /** What a command printed and how it ended. */
    public record Output(byte[] stdout, ExecResult result) {
        public String stderr() {
            return result.stderr();
        }
    }

    /**
     * Runs {@code command} with {@code stdin} (e.g. NUL-separated names) and reads all of its stdout.
     * stdin is written from another thread so a command that answers while it reads cannot block
     * on a full window.
     */
    public Output run(String command, byte[] stdin, Duration timeout) throws IOException, SyncFailed {
        java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
        try (RemoteCommand cmd = start(command)) {
            // the whole command within the timeout, reading its output included: a site that stops answering
            // mid-command (its connection still up) would otherwise hold the read forever
            java.util.concurrent.ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
                expired.set(true);
                cmd.close();
            }, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                // a command that needs no input (find, rm) may end and close the channel before its stdin is
                // closed: that is not a failure. One that stopped reading early shows it in its exit code or
                // in missing output, which the caller checks.
                Thread feeder = new Thread(() -> {
                    try {
                        cmd.feed(stdin);
                    } catch (IOException e) {
                        LOG.debugf("stdin of a command on %s closed early: %s", name, e.getMessage());
                    }
                }, "state-sync-feed-" + name);
                feeder.setDaemon(true);
                feeder.start();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (InputStream in = cmd.stdout()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    if (!expired.get()) {
                        throw e;
                    }
                }
                try {
                    feeder.join(timeout.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while feeding a command on " + name);
                }
                ExecResult r = cmd.finish(timeout);
                if (expired.get()) {
                    throw new SshFailure(SshFailure.Kind.TIMEOUT, "a command still running after " + timeout.toMillis()
                            + " ms (transfer.command-timeout) was cut");
                }
                return new Output(out.toByteArray(), r);
            } finally {
                deadline.cancel(false);
            }
        } catch (SshFailure e) {
            disconnect();
            throw new SyncFailed("site " + name + ": " + e.getMessage(), e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Drops the session after a failure so the next use reconnects. */
    public synchronized void disconnect() {
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] != null) {
                try {
                    channels[i].client().close();
                } catch (IOException | RuntimeException ignored) {
                    // the session is being dropped anyway
                }
                channels[i] = null;
            }
        }
        if (connection != null) {
            connection.close();
            connection = null;
        }
        streams = null;
    }

    @Override
    public void close() {
        disconnect();
    }
}
