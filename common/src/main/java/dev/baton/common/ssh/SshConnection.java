package dev.baton.common.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/** An authenticated session to one site: run commands, open SFTP. Close it when done. */
public class SshConnection implements AutoCloseable {
    /** Output beyond this is dropped so a chatty command cannot exhaust memory. */
    static final int MAX_OUTPUT_BYTES = 1 << 20;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final SshEndpoint endpoint;
    private final ClientSession session;

    SshConnection(SshEndpoint endpoint, ClientSession session) {
        this.endpoint = endpoint;
        this.session = session;
    }

    public SshEndpoint endpoint() {
        return endpoint;
    }

    public ExecResult exec(String command, Duration timeout) throws SshFailure {
        return exec(command, Map.of(), timeout);
    }

    /**
     * Runs {@code command} in the remote user's shell with {@code env} exported first (as
     * {@code export K='v';} so it works without sshd's AcceptEnv). A command still running at
     * {@code timeout} is cut: its channel is closed and {@link SshFailure.Kind#TIMEOUT} thrown.
     */
    public ExecResult exec(String command, Map<String, String> env, Duration timeout) throws SshFailure {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String line = withEnvironment(command, env);
        BoundedBuffer out = new BoundedBuffer();
        BoundedBuffer err = new BoundedBuffer();
        try (ChannelExec channel = session.createExecChannel(line)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(SshConnector.remaining(deadline));
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED),
                    SshConnector.remaining(deadline));
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                channel.close(true);
                throw new SshFailure(SshFailure.Kind.TIMEOUT, "command on " + endpoint.describe()
                        + " still running after " + timeout.toMillis() + " ms; channel closed");
            }
            Integer status = channel.getExitStatus();
            return new ExecResult(status == null ? -1 : status, out.text(), err.text(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            if (SshConnector.isTimeout(e)) {
                throw new SshFailure(SshFailure.Kind.TIMEOUT, "command on " + endpoint.describe() + " timed out", e);
            }
            throw new SshFailure(SshFailure.Kind.PROTOCOL, "command on " + endpoint.describe() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code command} with its stdin and stdout as streams, for transfers too large to hold in
     * memory (e.g. a {@code tar} stream). stderr is kept (bounded) for the result. The caller writes
     * stdin and closes it (EOF), reads stdout, then {@link RemoteCommand#finish(Duration)}; closing the
     * {@link RemoteCommand} cuts the channel.
     *
     * @param openTimeout how long the server may take to accept the channel
     */
    public RemoteCommand start(String command, Duration openTimeout) throws SshFailure {
        ChannelExec channel = null;
        try {
            channel = session.createExecChannel(command);
            BoundedBuffer err = new BoundedBuffer();
            channel.setErr(err);
            channel.open().verify(openTimeout);
            return new RemoteCommand(endpoint, channel, err);
        } catch (IOException e) {
            if (channel != null) {
                channel.close(true);
            }
            throw new SshFailure(SshConnector.isTimeout(e) ? SshFailure.Kind.TIMEOUT : SshFailure.Kind.PROTOCOL,
                    "command on " + endpoint.describe() + " failed to start: " + e.getMessage(), e);
        }
    }

    /** Opens an SFTP client on this session; the caller closes it. */
    public SftpClient sftp() throws SshFailure {
        try {
            return SftpClientFactory.instance().createSftpClient(session);
        } catch (IOException e) {
            throw new SshFailure(SshFailure.Kind.PROTOCOL, "SFTP on " + endpoint.describe() + " failed: " + e.getMessage(), e);
        }
    }

    public boolean isOpen() {
        return session.isOpen() && session.isAuthenticated();
    }

    static String withEnvironment(String command, Map<String, String> env) {
        StringBuilder line = new StringBuilder();
        env.forEach((name, value) -> {
            if (!ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not an environment variable name: " + name);
            }
            line.append("export ").append(name).append('=').append(shellQuote(value)).append("; ");
        });
        return line.append(command).toString();
    }

    /** POSIX single-quoting: the value can never break out of its quotes. */
    public static String shellQuote(String value) {
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }

    @Override
    public void close() {
        try {
            session.close(false).await(Duration.ofSeconds(2));
        } catch (IOException e) {
            session.close(true);
        }
    }

    static final class BoundedBuffer extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (bytes.size() < MAX_OUTPUT_BYTES) {
                bytes.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = MAX_OUTPUT_BYTES - bytes.size();
            if (room > 0) {
                bytes.write(b, off, Math.min(room, len));
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
