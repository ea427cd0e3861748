package dev.baton.common.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SSH server (Apache MINA SSHD) on 127.0.0.1 for tests: SFTP rooted in a directory, key
 * authentication for one generated client key, {@code exec} routed to a {@link CommandHandler}.
 * It hands tests the files a real client needs: the client's private key and a known_hosts
 * that pins this server's host key.
 */
public final class EmbeddedSshServer implements AutoCloseable {
    public static final String USER = "baton";
    private static final Pattern EXPORT = Pattern.compile("^export ([A-Za-z_][A-Za-z0-9_]*)='((?:[^']|'\"'\"')*)'; ");

    private final Path root;
    private final Path clientDir;
    private final KeyPair hostKey;
    private final KeyPair clientKey;
    private final List<CommandHandler.Request> received = new CopyOnWriteArrayList<>();
    private volatile CommandHandler handler;
    private SshServer server;
    private int port;

    private EmbeddedSshServer(Path root, CommandHandler handler) throws IOException, GeneralSecurityException {
        this.root = root;
        this.handler = handler;
        this.clientDir = Files.createTempDirectory("baton-ssh-client");
        this.hostKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        this.clientKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        writePrivateKey(clientKey, privateKey());
    }

    /** Starts a server on a random loopback port, rooted in {@code root} (created if missing). */
    public static EmbeddedSshServer start(Path root, CommandHandler handler) throws IOException {
        try {
            Files.createDirectories(root);
            EmbeddedSshServer s = new EmbeddedSshServer(root.toRealPath(), handler);
            s.listen(0);
            return s;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate test keys", e);
        }
    }

    private void listen(int wantedPort) throws IOException {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(wantedPort);
        s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setPublickeyAuthenticator((user, key, session) -> USER.equals(user) && KeyUtils.compareKeys(key, clientKey.getPublic()));
        s.setFileSystemFactory(new VirtualFileSystemFactory(root));
        s.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        s.setCommandFactory((channel, command) -> new HandledCommand(command));
        s.start();
        this.server = s;
        this.port = s.getPort();
        writeKnownHosts(knownHosts(), hostKey.getPublic());
    }

    /** Stops accepting and drops every session at once (a crash, as far as clients can tell). */
    public void stop() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
    }

    /** Starts again on the same port with the same keys, after {@link #stop()}. */
    public void restart() throws IOException {
        stop();
        listen(port);
    }

    public boolean isRunning() {
        return server != null && server.isStarted();
    }

    public void handler(CommandHandler handler) {
        this.handler = handler;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    public Path root() {
        return root;
    }

    public Path privateKey() {
        return clientDir.resolve("id_ecdsa");
    }

    public Path knownHosts() {
        return clientDir.resolve("known_hosts");
    }

    public PublicKey hostPublicKey() {
        return hostKey.getPublic();
    }

    /** Every exec request received so far, in order. */
    public List<CommandHandler.Request> received() {
        return List.copyOf(received);
    }

    /** {@code [127.0.0.1]:port <key>}: the line a known_hosts file needs for this server. */
    public String knownHostsLine(PublicKey key) {
        return "[" + host() + "]:" + port + " " + PublicKeyEntry.toString(key);
    }

    /** Writes a known_hosts file pinning {@code key} for this server's address. */
    public void writeKnownHosts(Path file, PublicKey key) throws IOException {
        Files.writeString(file, knownHostsLine(key) + "\n", StandardCharsets.UTF_8);
    }

    /** Writes an OpenSSH-format private key file readable only by its owner. */
    public static void writePrivateKey(KeyPair key, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "baton-test", null, out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode key", e);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /** A fresh ECDSA key pair, e.g. a client key the server does not know. */
    public static KeyPair newKeyPair() throws IOException {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    static CommandHandler.Request parse(String line, Path root) {
        Map<String, String> env = new LinkedHashMap<>();
        String rest = line;
        Matcher m = EXPORT.matcher(rest);
        while (m.find()) {
            env.put(m.group(1), m.group(2).replace("'\"'\"'", "'"));
            rest = rest.substring(m.end());
            m = EXPORT.matcher(rest);
        }
        return new CommandHandler.Request(rest, env, root);
    }

    private final class HandledCommand implements Command, Runnable {
        private final String line;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private Thread worker;

        HandledCommand(String line) {
            this.line = line;
        }

        @Override
        public void setInputStream(java.io.InputStream in) {
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
        public void start(ChannelSession channel, Environment env) {
            worker = new Thread(this, "embedded-ssh-exec");
            worker.setDaemon(true);
            worker.start();
        }

        @Override
        public void run() {
            CommandHandler.Request request = parse(line, root);
            received.add(request);
            try {
                CommandHandler.Reply reply = handler.handle(request);
                write(out, reply.stdout());
                write(err, reply.stderr());
                exit.onExit(reply.exitCode());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                try {
                    write(err, "handler failed: " + e + "\n");
                } catch (IOException ignored) {
                    // the client is gone
                }
                exit.onExit(255);
            }
        }

        private void write(OutputStream stream, String text) throws IOException {
            if (text != null && !text.isEmpty()) {
                stream.write(text.getBytes(StandardCharsets.UTF_8));
                stream.flush();
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            if (worker != null) {
                worker.interrupt();
            }
        }
    }
}
