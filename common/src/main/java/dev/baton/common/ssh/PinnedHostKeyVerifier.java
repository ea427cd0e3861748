package dev.baton.common.ssh;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Checks each server's host key against the known_hosts file of the endpoint being dialled.
 * Unknown and changed keys are both refused (never trust-on-first-use); the reason is kept in the
 * connection's context (a holder the caller created, not a session attribute: MINA clears those when it
 * closes the rejected session, which may happen before the caller looks) so it can report which it was.
 */
final class PinnedHostKeyVerifier implements ServerKeyVerifier {
    /** Set on each connection's context: the known_hosts file of the endpoint being dialled. */
    static final AttributeKey<Path> KNOWN_HOSTS = new AttributeKey<>();
    /** Set on each connection's context: where the verifier puts its reason for refusing the key. */
    static final AttributeKey<AtomicReference<SshFailure>> REJECTION = new AttributeKey<>();

    private final Map<Path, KnownHostsServerKeyVerifier> verifiers = new ConcurrentHashMap<>();

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        AttributeRepository context = session.getConnectionContext();
        Path knownHosts = context == null ? null : context.getAttribute(KNOWN_HOSTS);
        if (knownHosts == null) {
            reject(session, new SshFailure(SshFailure.Kind.UNKNOWN_HOST_KEY,
                    "no known_hosts file given for " + session.getConnectAddress()));
            return false;
        }
        return verifiers.computeIfAbsent(knownHosts, Verifier::new).verifyServerKey(session, remoteAddress, serverKey);
    }

    private static void reject(ClientSession session, SshFailure reason) {
        AttributeRepository context = session.getConnectionContext();
        AtomicReference<SshFailure> holder = context == null ? null : context.getAttribute(REJECTION);
        if (holder != null) {
            holder.compareAndSet(null, reason);
        }
    }

    private static final class Verifier extends KnownHostsServerKeyVerifier {
        Verifier(Path knownHosts) {
            super(unknown(knownHosts), knownHosts);
        }

        private static ServerKeyVerifier unknown(Path knownHosts) {
            return (session, address, key) -> {
                reject(session, new SshFailure(SshFailure.Kind.UNKNOWN_HOST_KEY,
                        "host key " + KeyUtils.getFingerPrint(key) + " of " + session.getConnectAddress()
                                + " is not in " + knownHosts));
                return RejectAllServerKeyVerifier.INSTANCE.verifyServerKey(session, address, key);
            };
        }

        @Override
        public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remoteAddress, KnownHostEntry entry,
                PublicKey expected, PublicKey actual) {
            reject(session, new SshFailure(SshFailure.Kind.CHANGED_HOST_KEY,
                    "host key of " + session.getConnectAddress() + " changed: known_hosts has "
                            + KeyUtils.getFingerPrint(expected) + ", server presented " + KeyUtils.getFingerPrint(actual)));
            return false;
        }
    }
}
