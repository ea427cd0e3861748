package dev.baton.drill.site;

import com.sun.net.httpserver.HttpServer;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.OpenSshServer;
import dev.baton.common.testing.Placement;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A site on Debian's OpenSSH sshd: its own sshd config and ed25519 host key, an ed25519 user key, a hashed
 * known_hosts from ssh-keyscan, the account running the drill (a non-root sshd can only log in as itself), and a
 * {@code docker} on that account's PATH ({@code SetEnv PATH} in the site's sshd config) that hands each command to the
 * drill over loopback HTTP, which does what the MINA site's handler does: start the engine through the start gate,
 * stop it, list it. Shell commands (state-sync's tar streams, the epoch file) run in the real shell.
 */
final class OpenSshSiteSsh implements SiteSsh {
    private final OpenSshServer server;
    private final HttpServer control;
    private final Path root;
    private final Path key;
    private final Path knownHosts;
    private final Path bin;

    private OpenSshSiteSsh(OpenSshServer server, HttpServer control, Path root, Path key, Path knownHosts, Path bin) {
        this.bin = bin;
        this.server = server;
        this.control = control;
        this.root = root;
        this.key = key;
        this.knownHosts = knownHosts;
    }

    static boolean available() {
        return OpenSshServer.available() && Files.isExecutable(Path.of("/usr/bin/curl"));
    }

    /**
     * sshd where {@code placement} says; its {@code docker} reaches the drill's loopback HTTP through {@code toOps}
     * (empty on loopback; {@code ip netns exec <ops>} when the site is in a namespace of its own).
     */
    static OpenSshSiteSsh start(String name, Path root, CommandHandler handler, Placement placement, List<String> toOps) throws IOException {
        HttpServer control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        control.createContext("/docker", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String args = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                String epoch = exchange.getRequestHeaders().getFirst("X-Baton-Epoch");
                CommandHandler.Reply reply;
                try {
                    reply = handler.handle(new CommandHandler.Request("docker " + args,
                            epoch == null || epoch.isBlank() ? Map.of() : Map.of("BATON_EPOCH", epoch), root));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    reply = CommandHandler.Reply.fail(125, "docker: interrupted\n");
                }
                // a shell snippet the shim evaluates: the reply's stdout, stderr and exit code, each quoted
                byte[] body = ("printf '%s' " + quote(reply.stdout()) + "; printf '%s' " + quote(reply.stderr()) + " >&2; exit "
                        + reply.exitCode() + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(500, -1);
            } finally {
                exchange.close();
            }
        });
        control.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "drill-site-" + name + "-docker");
            t.setDaemon(true);
            return t;
        }));
        control.start();
        OpenSshServer server = null;
        try {
            Path dir = Files.createDirectories(root.resolveSibling(root.getFileName() + "-sshd"));
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path docker = bin.resolve("docker");
            Files.writeString(docker, "#!/bin/bash\n"
                    + "# docker on drill site " + name + ": the drill does what compose would (start gate included)\n"
                    + "out=$(" + toOps.stream().map(w -> w + " ").collect(java.util.stream.Collectors.joining()) + "curl -sS --fail --max-time 300 -X POST -H \"X-Baton-Epoch: ${BATON_EPOCH:-}\" --data-binary \"$*\" "
                    + "http://127.0.0.1:" + control.getAddress().getPort() + "/docker) || { echo 'docker: the drill site is gone' >&2; exit 125; }\n"
                    + "eval \"$out\"\n");
            Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
            // HOME: the site's own directory, so a session's shell reads no rc file of the account running the drill
            // (root's ~/.bashrc ran `pyenv rehash` in every command here, and a session killed with its place left
            // pyenv's lock behind: from then on every command waited 60 s for it)
            server = OpenSshServer.start(dir, placement, List.of("ed25519"), "SetEnv PATH=" + bin + ":/usr/local/bin:/usr/bin:/bin HOME=" + dir);
            Path key = server.userKey("id_ed25519", "ed25519", "");
            Path knownHosts = server.knownHosts("known_hosts", true);
            return new OpenSshSiteSsh(server, control, root, key, knownHosts, bin);
        } catch (IOException | RuntimeException e) {
            control.stop(0);
            if (server != null) {
                server.close();
            }
            throw e;
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public String kind() {
        return "OpenSSH sshd";
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
        return key;
    }

    @Override
    public Path knownHosts() {
        return knownHosts;
    }

    @Override
    public String root() {
        return root.toString();
    }

    @Override
    public java.util.Optional<Path> toolDirectory() {
        return java.util.Optional.of(bin);
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public void restart() throws IOException {
        server.restart();
    }

    @Override
    public void close() {
        server.close();
        control.stop(0);
    }
}
