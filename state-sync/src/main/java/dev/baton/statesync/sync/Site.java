package dev.baton.statesync.sync;

import dev.baton.common.ssh.SshConnection;
import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshEndpoint;
import dev.baton.common.ssh.SshFailure;
import java.io.IOException;
import java.time.Duration;
import org.apache.sshd.sftp.client.SftpClient;
import org.jboss.logging.Logger;

/**
 * One site with a kept-open SSH session and SFTP channel: polling every 200 ms must not pay a
 * handshake each time. The channel is reopened on the next use after a failure.
 */
public final class Site implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Site.class);

    private final String name;
    private final SshEndpoint endpoint;
    private final String root;
    private final SshConnector connector;
    private final Duration connectTimeout;
    private final Sftp[] channels;
    private SshConnection connection;

    /**
     * @param channels SFTP channels opened on the one SSH session. Each is served by its own
     *                 sftp-server process on OpenSSH, so several let the target's CPU cores and
     *                 disk (concurrent fsyncs share journal commits) work in parallel.
     */
    public Site(String name, SshEndpoint endpoint, String root, SshConnector connector, Duration connectTimeout,
            int channels) {
        this.name = name;
        this.endpoint = endpoint;
        this.root = root.length() > 1 && root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.connector = connector;
        this.connectTimeout = connectTimeout;
        this.channels = new Sftp[Math.max(1, channels)];
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
        int i = Math.floorMod(n, channels.length);
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
    }

    @Override
    public void close() {
        disconnect();
    }
}
