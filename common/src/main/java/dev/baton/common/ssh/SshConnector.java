package dev.baton.common.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Opens authenticated SSH sessions to sites: key authentication only, host keys pinned in
 * known_hosts, nothing read from {@code ~/.ssh}. One connector per service; thread-safe.
 */
public class SshConnector implements AutoCloseable {
    private final SshClient client;
    private final PinnedHostKeyVerifier verifier = new PinnedHostKeyVerifier();

    /** Keepalives every {@link #HEARTBEAT_INTERVAL}; a session with {@link #HEARTBEAT_NO_REPLY_MAX} unanswered is closed. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    public static final int HEARTBEAT_NO_REPLY_MAX = 3;

    public SshConnector() {
        this(HEARTBEAT_INTERVAL, HEARTBEAT_NO_REPLY_MAX);
    }

    /**
     * @param heartbeatInterval how often an open session asks the server for a reply (keepalive@openssh.com,
     *                          which OpenSSH answers as it does ServerAliveInterval's)
     * @param noReplyMax        unanswered keepalives after which the session is closed: a peer that stops
     *                          answering without closing the connection (a frozen host, a black-holed route)
     *                          is dropped in about interval x (max + 1) instead of when TCP gives up, and every
     *                          read or write waiting on it fails instead of waiting
     */
    public SshConnector(Duration heartbeatInterval, int noReplyMax) {
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(verifier);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        // runbook commands and SFTP are many small round trips: do not let Nagle hold them back
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        // set on the client, before any session: each session's connection service reads them once at start
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, heartbeatInterval);
        CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, noReplyMax);
        // AES-GCM first: the JDK runs it on the CPU's AES instructions, several times faster than MINA's
        // pure-Java ChaCha20-Poly1305 (which OpenSSH would otherwise pick, as MINA proposes it first);
        // this matters for bulk transfers such as state-sync's tar streams
        client.setCipherFactories(new ArrayList<>(NamedFactory.setUpBuiltinFactories(false, List.of(
                BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.cc20p1305_openssh,
                BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr))));
        client.start();
    }

    /**
     * Connects and authenticates within {@code timeout}. Blocking: never call on an event loop.
     *
     * @throws SshFailure with the kind of failure: unreachable, unknown or changed host key, auth, timeout
     */
    public SshConnection connect(SshEndpoint endpoint, Duration timeout) throws SshFailure {
        KeyPair identity = loadIdentity(endpoint);
        if (!Files.isReadable(endpoint.knownHosts())) {
            throw new SshFailure(SshFailure.Kind.CONFIG, "known_hosts file " + endpoint.knownHosts() + " is not readable");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // the verifier's reason for refusing a host key (unknown, changed), read after the session failed
        AtomicReference<SshFailure> rejection = new AtomicReference<>();
        ClientSession session;
        try {
            session = client.connect(endpoint.user(), endpoint.host(), endpoint.port(),
                    AttributeRepository.ofAttributesMap(Map.of(PinnedHostKeyVerifier.KNOWN_HOSTS, endpoint.knownHosts(),
                            PinnedHostKeyVerifier.REJECTION, rejection)), null)
                    .verify(timeout).getSession();
        } catch (IOException e) {
            throw rejection.get() != null ? rejection.get() : connectFailure(endpoint, e);
        }
        try {
            session.addPublicKeyIdentity(identity);
            session.auth().verify(remaining(deadline));
            return new SshConnection(endpoint, session);
        } catch (IOException e) {
            SshFailure failure = classify(endpoint, rejection.get(), e);
            closeQuietly(session);
            throw failure;
        }
    }

    private static KeyPair loadIdentity(SshEndpoint endpoint) throws SshFailure {
        return SshKeys.load(endpoint.privateKey(), endpoint.passphrase());
    }

    private static SshFailure connectFailure(SshEndpoint endpoint, IOException e) {
        Throwable root = rootCause(e);
        if (root instanceof ConnectException || root instanceof NoRouteToHostException || root instanceof UnknownHostException) {
            return new SshFailure(SshFailure.Kind.UNREACHABLE, endpoint.describe() + " unreachable: " + root.getMessage(), e);
        }
        if (isTimeout(e)) {
            return new SshFailure(SshFailure.Kind.UNREACHABLE, endpoint.describe() + " did not answer in time", e);
        }
        return new SshFailure(SshFailure.Kind.UNREACHABLE, endpoint.describe() + ": " + e.getMessage(), e);
    }

    private static SshFailure classify(SshEndpoint endpoint, SshFailure rejection, IOException e) {
        if (rejection != null) {
            return rejection;
        }
        if (isTimeout(e)) {
            return new SshFailure(SshFailure.Kind.TIMEOUT, endpoint.describe() + ": authentication timed out", e);
        }
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No more authentication methods") || msg.contains("authentication")) {
            return new SshFailure(SshFailure.Kind.AUTH_FAILED, endpoint.describe() + ": key not accepted", e);
        }
        return new SshFailure(SshFailure.Kind.PROTOCOL, endpoint.describe() + ": " + msg, e);
    }

    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException
                    || (t.getMessage() != null && t.getMessage().toLowerCase().contains("timeout"))) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000L, deadlineNanos - System.nanoTime()));
    }

    private static void closeQuietly(ClientSession session) {
        try {
            session.close(true);
        } catch (RuntimeException ignored) {
            // closing is best effort; the original failure is what matters
        }
    }

    @Override
    public void close() {
        client.stop();
    }
}
