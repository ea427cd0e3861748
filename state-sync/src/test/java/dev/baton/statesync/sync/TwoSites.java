package dev.baton.statesync.sync;

import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshEndpoint;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedSshServer;
import dev.baton.common.testing.OpenSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Two real SSH servers on loopback acting as the primary and standby sites, plus a sync engine.
 * {@link Transport#SFTP}: common's embedded server (SFTP in a virtual root, exec refused — the site
 * state-sync must handle with SFTP alone, reached with transport {@code auto}). {@link Transport#STREAM}:
 * a server that also runs commands in a real shell, so the cycle streams through GNU tar.
 */
final class TwoSites implements AutoCloseable {
    /**
     * The sites' SSH servers and the transport: MINA-built servers (the embedded SFTP-only one, the shell one), or
     * Debian's OpenSSH sshd (ed25519 host and user keys, hashed known_hosts from ssh-keyscan) with either transport.
     */
    enum Kind {
        MINA_SFTP(Transport.SFTP, false), MINA_STREAM(Transport.STREAM, false),
        OPENSSH_SFTP(Transport.SFTP, true), OPENSSH_STREAM(Transport.STREAM, true);

        final Transport transport;
        final boolean openSsh;

        Kind(Transport transport, boolean openSsh) {
            this.transport = transport;
            this.openSsh = openSsh;
        }
    }

    private final Transport transport;
    private final EmbeddedSshServer[] sftpServers = new EmbeddedSshServer[2];
    private final ShellSshServer[] shellServers = new ShellSshServer[2];
    private final OpenSshServer[] openSsh = new OpenSshServer[2];
    private final Path[] openSshRoots = new Path[2];
    final SshConnector connector = new SshConnector();
    final Site primary;
    final Site standby;

    TwoSites(Path dir) throws IOException {
        this(dir, Kind.MINA_SFTP);
    }

    TwoSites(Path dir, Transport transport) throws IOException {
        this(dir, transport == Transport.STREAM ? Kind.MINA_STREAM : Kind.MINA_SFTP);
    }

    TwoSites(Path dir, Kind kind) throws IOException {
        this.transport = kind.transport;
        if (kind.openSsh) {
            OpenSshServer.require();
            Site[] made = new Site[2];
            for (int i = 0; i < 2; i++) {
                String name = i == 0 ? "primary" : "standby";
                openSsh[i] = OpenSshServer.start(dir.resolve(name + "-sshd"), List.of("ed25519"));
                openSshRoots[i] = Files.createDirectories(dir.resolve(name));
                Path key = openSsh[i].userKey("id_ed25519", "ed25519", "");
                Path knownHosts = openSsh[i].knownHosts("known_hosts", true);
                // the transport is what the test asks for: SFTP forced, or STREAM required (a failed probe fails the test)
                made[i] = new Site(name, new SshEndpoint(openSsh[i].host(), openSsh[i].port(), openSsh[i].user(), key, knownHosts),
                        openSshRoots[i].toString(), connector, Duration.ofSeconds(10), 2, kind.transport);
            }
            primary = made[0];
            standby = made[1];
        } else if (transport == Transport.STREAM) {
            shellServers[0] = ShellSshServer.start(dir.resolve("primary"));
            shellServers[1] = ShellSshServer.start(dir.resolve("standby"));
            primary = site("primary", shellServers[0].port(), shellServers[0].privateKey(), shellServers[0].knownHosts(),
                    shellServers[0].root().toString());
            standby = site("standby", shellServers[1].port(), shellServers[1].privateKey(), shellServers[1].knownHosts(),
                    shellServers[1].root().toString());
        } else {
            sftpServers[0] = EmbeddedSshServer.start(dir.resolve("primary"), CommandHandler.NONE);
            sftpServers[1] = EmbeddedSshServer.start(dir.resolve("standby"), CommandHandler.NONE);
            primary = site("primary", sftpServers[0].port(), sftpServers[0].privateKey(), sftpServers[0].knownHosts(), "/");
            standby = site("standby", sftpServers[1].port(), sftpServers[1].privateKey(), sftpServers[1].knownHosts(), "/");
        }
    }

    private Site site(String name, int port, Path key, Path knownHosts, String root) {
        // STREAM is required of the shell servers (a failed probe fails the test); the SFTP-only servers
        // are reached with AUTO, which must fall back to SFTP by itself
        return new Site(name, new SshEndpoint("127.0.0.1", port, EmbeddedSshServer.USER, key, knownHosts), root, connector,
                Duration.ofSeconds(10), 2, transport == Transport.STREAM ? Transport.STREAM : Transport.AUTO);
    }

    static SyncEngine.Options options() {
        return new SyncEngine.Options(3, 0.5, 4, 5, 3, Duration.ofSeconds(2), false, Duration.ofSeconds(30), Duration.ofMinutes(10));
    }

    static SyncEngine engine(TransferHooks hooks, SyncEngine.Events events) throws PathEscapeException {
        return engine(hooks, events, options());
    }

    static SyncEngine engine(TransferHooks hooks, SyncEngine.Events events, SyncEngine.Options options)
            throws PathEscapeException {
        return new SyncEngine(new SyncSet(List.of("state", ".env"), List.of("backups/*.dump"), List.of("**/*.tmp")),
                options, hooks, events, Clock.systemUTC());
    }

    static SyncEngine engine() throws PathEscapeException {
        return engine(TransferHooks.NONE, SyncEngine.Events.NONE);
    }

    Path primaryRoot() {
        return openSshRoots[0] != null ? openSshRoots[0] : transport == Transport.STREAM ? shellServers[0].root() : sftpServers[0].root();
    }

    Path standbyRoot() {
        return openSshRoots[1] != null ? openSshRoots[1] : transport == Transport.STREAM ? shellServers[1].root() : sftpServers[1].root();
    }

    /** Stops the standby's SSH server, dropping every session (a crash, as far as state-sync can tell). */
    void stopStandby() throws IOException {
        if (openSsh[1] != null) {
            openSsh[1].stop();
        } else if (transport == Transport.STREAM) {
            shellServers[1].stop();
        } else {
            sftpServers[1].stop();
        }
    }

    /** Freezes the stream site's commands (see {@link ShellSshServer#freeze}); 0 = primary, 1 = standby. */
    void freeze(int site, boolean on) {
        shellServers[site].freeze(on);
    }

    void restartStandby() throws IOException {
        if (openSsh[1] != null) {
            openSsh[1].restart();
        } else if (transport == Transport.STREAM) {
            shellServers[1].restart();
        } else {
            sftpServers[1].restart();
        }
    }

    static void write(Path root, String rel, String content, String mode) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Override
    public void close() throws IOException {
        primary.close();
        standby.close();
        connector.close();
        for (EmbeddedSshServer s : sftpServers) {
            if (s != null) {
                s.close();
            }
        }
        for (ShellSshServer s : shellServers) {
            if (s != null) {
                s.close();
            }
        }
        for (OpenSshServer s : openSsh) {
            if (s != null) {
                s.close();
            }
        }
    }
}
