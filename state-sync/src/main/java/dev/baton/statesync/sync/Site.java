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
    private SshConnection connection;
    private Sftp sftp;

    public Site(String name, SshEndpoint endpoint, String root, SshConnector connector, Duration connectTimeout) {
        this.name = name;
        this.endpoint = endpoint;
        this.root = root.length() > 1 && root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.connector = connector;
        this.connectTimeout = connectTimeout;
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

    /** The open SFTP channel, connecting first if needed. Blocking. */
    public synchronized Sftp sftp() throws SyncFailed {
        if (sftp != null && sftp.isOpen() && connection.isOpen()) {
            return sftp;
        }
        disconnect();
        try {
            connection = connector.connect(endpoint, connectTimeout);
            SftpClient client = connection.sftp();
            sftp = new Sftp(client, name);
            LOG.debugf("connected to site %s", describe());
            return sftp;
        } catch (SshFailure e) {
            disconnect();
            throw new SyncFailed("site " + name + ": " + e.getMessage(), e);
        }
    }

    /** Drops the session after a failure so the next use reconnects. */
    public synchronized void disconnect() {
        if (sftp != null) {
            try {
                sftp.client().close();
            } catch (IOException | RuntimeException ignored) {
                // the session is being dropped anyway
            }
            sftp = null;
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
