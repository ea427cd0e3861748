package dev.baton.drill.site;

import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedSshServer;
import java.io.IOException;
import java.nio.file.Path;

/** The fallback: the embedded MINA server, SFTP rooted in the site directory, commands answered by the drill. */
final class MinaSiteSsh implements SiteSsh {
    private final EmbeddedSshServer server;

    MinaSiteSsh(Path root, CommandHandler handler) throws IOException {
        this.server = EmbeddedSshServer.start(root, handler);
    }

    @Override
    public String kind() {
        return "MINA (embedded)";
    }

    @Override
    public String host() {
        return server.host();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public String user() {
        return server.user();
    }

    @Override
    public Path privateKey() {
        return server.privateKey();
    }

    @Override
    public Path knownHosts() {
        return server.knownHosts();
    }

    @Override
    public String root() {
        return "/";
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public void stop() throws IOException {
        server.stop();
    }

    @Override
    public void restart() throws IOException {
        server.restart();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
