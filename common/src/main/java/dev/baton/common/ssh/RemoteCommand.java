package dev.baton.common.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;

/**
 * A command running on a site with streamed stdin and stdout (see {@link SshConnection#start}).
 * Not thread-safe, except that stdin and stdout may be used from two different threads.
 */
public final class RemoteCommand implements AutoCloseable {
    private final SshEndpoint endpoint;
    private final ChannelExec channel;
    private final SshConnection.BoundedBuffer err;
    private final long started = System.nanoTime();

    RemoteCommand(SshEndpoint endpoint, ChannelExec channel, SshConnection.BoundedBuffer err) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.err = err;
    }

    /** The command's stdin; closing it sends EOF. */
    public OutputStream stdin() {
        return channel.getInvertedIn();
    }

    /** The command's stdout, read as the server sends it (flow-controlled by the SSH window). */
    public InputStream stdout() {
        return channel.getInvertedOut();
    }

    /**
     * Waits for the command to end, after the caller has closed stdin and read stdout to its end.
     * {@code stdout} of the result is empty (it was streamed); {@code stderr} is what the command wrote.
     *
     * @throws SshFailure {@link SshFailure.Kind#TIMEOUT} if it is still running at {@code timeout} (the
     *                    channel is then closed)
     */
    public ExecResult finish(Duration timeout) throws SshFailure {
        Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
        if (events.contains(ClientChannelEvent.TIMEOUT)) {
            channel.close(true);
            throw new SshFailure(SshFailure.Kind.TIMEOUT, "command on " + endpoint.describe() + " still running after "
                    + timeout.toMillis() + " ms; channel closed");
        }
        Integer status = channel.getExitStatus();
        return new ExecResult(status == null ? -1 : status, "", err.text(), Duration.ofNanos(System.nanoTime() - started));
    }

    /** Cuts the channel (the remote command sees its input and output go away). */
    @Override
    public void close() {
        try {
            channel.close(true);
        } catch (RuntimeException ignored) {
            // best effort: the session may already be gone
        }
    }

    /** Writes {@code data} to stdin and closes it (EOF), for short inputs such as a list of names. */
    public void feed(byte[] data) throws IOException {
        try (OutputStream in = stdin()) {
            in.write(data);
        }
    }
}
