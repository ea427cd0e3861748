package dev.baton.statesync.sync;

import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshEndpoint;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Two real SSH/SFTP servers on loopback acting as the primary and standby sites, plus a sync engine. */
final class TwoSites implements AutoCloseable {
    final EmbeddedSshServer primaryServer;
    final EmbeddedSshServer standbyServer;
    final SshConnector connector = new SshConnector();
    final Site primary;
    final Site standby;

    TwoSites(Path dir) throws IOException {
        primaryServer = EmbeddedSshServer.start(dir.resolve("primary"), CommandHandler.NONE);
        standbyServer = EmbeddedSshServer.start(dir.resolve("standby"), CommandHandler.NONE);
        primary = site("primary", primaryServer);
        standby = site("standby", standbyServer);
    }

    private Site site(String name, EmbeddedSshServer server) {
        return new Site(name, new SshEndpoint(server.host(), server.port(), server.user(), server.privateKey(),
                server.knownHosts()), "/", connector, Duration.ofSeconds(10), 2);
    }

    static SyncEngine.Options options() {
        return new SyncEngine.Options(3, 0.5, 4, 5, 3, Duration.ofSeconds(2), false);
    }

    static SyncEngine engine(TransferHooks hooks, SyncEngine.Events events) throws PathEscapeException {
        return new SyncEngine(new SyncSet(List.of("state", ".env"), List.of("backups/*.dump"), List.of("**/*.tmp")),
                options(), hooks, events, Clock.systemUTC());
    }

    static SyncEngine engine() throws PathEscapeException {
        return engine(TransferHooks.NONE, SyncEngine.Events.NONE);
    }

    Path primaryRoot() {
        return primaryServer.root();
    }

    Path standbyRoot() {
        return standbyServer.root();
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
        primaryServer.close();
        standbyServer.close();
    }
}
