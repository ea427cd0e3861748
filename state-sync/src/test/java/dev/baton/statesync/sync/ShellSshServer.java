package dev.baton.statesync.sync;

import dev.baton.common.testing.EmbeddedSshServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SSH server (Apache MINA SSHD) on 127.0.0.1 that, like OpenSSH's sshd, serves SFTP on the
 * real file system and runs {@code exec} requests with {@code /bin/sh -c}, stdin and stdout streamed
 * (common's {@link EmbeddedSshServer} answers exec from a Java handler and roots SFTP in a virtual
 * directory, which the stream transport cannot use). The site root is a real absolute path.
 */
final class ShellSshServer implements AutoCloseable {
    private final Path root;
    private final Path clientDir;
    private final KeyPair hostKey;
    private final KeyPair clientKey;
    private SshServer server;
    private int port;
    /** While set, commands neither read their input from the channel nor send their output: a hung host. */
    private final java.util.concurrent.atomic.AtomicBoolean frozen = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;

    private ShellSshServer(Path root) throws IOException {
        this.root = root;
        this.clientDir = Files.createTempDirectory("baton-shell-ssh-client");
        this.hostKey = EmbeddedSshServer.newKeyPair();
        this.clientKey = EmbeddedSshServer.newKeyPair();
        EmbeddedSshServer.writePrivateKey(clientKey, privateKey());
    }

    static ShellSshServer start(Path root) throws IOException {
        Files.createDirectories(root);
        ShellSshServer s = new ShellSshServer(root.toRealPath());
        s.listen(0);
        return s;
    }

    private void listen(int wantedPort) throws IOException {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(wantedPort);
        s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey.getPublic()));
        s.setFileSystemFactory(new VirtualFileSystemFactory(Path.of("/")));
        s.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        s.setCommandFactory((channel, command) -> new ShellCommand(command, this));
        s.start();
        server = s;
        port = s.getPort();
        Files.writeString(clientDir.resolve("known_hosts"),
                "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Freezes (or thaws) every running and future command's stdin and stdout, as a host that stops
     * answering without closing its connections; the connection itself stays up.
     */
    void freeze(boolean on) {
        synchronized (frozen) {
            frozen.set(on);
            frozen.notifyAll();
        }
    }

    void stop() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
    }

    void restart() throws IOException {
        stop();
        listen(port);
    }

    int port() {
        return port;
    }

    Path root() {
        return root;
    }

    Path privateKey() {
        return clientDir.resolve("id_ecdsa");
    }

    Path knownHosts() {
        return clientDir.resolve("known_hosts");
    }

    @Override
    public void close() throws IOException {
        synchronized (frozen) {
            closed = true;
            frozen.notifyAll();
        }
        stop();
    }

    /** {@code /bin/sh -c <command>}, stdin, stdout and stderr pumped as bytes. */
    private static final class ShellCommand implements Command {
        private final String command;
        private final ShellSshServer server;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private Process process;

        ShellCommand(String command, ShellSshServer server) {
            this.command = command;
            this.server = server;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            process = new ProcessBuilder("/bin/sh", "-c", command).start();
            Thread stdin = pump(in, process.getOutputStream(), true);
            Thread stdout = pump(process.getInputStream(), out, false);
            Thread stderr = pump(process.getErrorStream(), err, false);
            Thread waiter = new Thread(() -> {
                try {
                    int code = process.waitFor();
                    stdout.join();
                    stderr.join();
                    stdin.interrupt();
                    exit.onExit(code);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shell-ssh-wait");
            waiter.setDaemon(true);
            waiter.start();
        }

        private Thread pump(InputStream from, OutputStream to, boolean closeWhenDone) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[32 * 1024];
                try {
                    for (int n = read(from, buf); n >= 0; n = read(from, buf)) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                } catch (IOException | InterruptedException ignored) {
                    // the other side went away
                } finally {
                    if (closeWhenDone) {
                        try {
                            to.close();
                        } catch (IOException ignored) {
                            // already closed
                        }
                    }
                }
            }, "shell-ssh-pump");
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** A read, held back while the server is frozen (until it thaws or closes). */
        private int read(InputStream from, byte[] buf) throws IOException, InterruptedException {
            awaitThaw();
            int n = from.read(buf);
            awaitThaw();
            return n;
        }

        private void awaitThaw() throws InterruptedException {
            synchronized (server.frozen) {
                while (server.frozen.get() && !server.closed) {
                    server.frozen.wait();
                }
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }
}
