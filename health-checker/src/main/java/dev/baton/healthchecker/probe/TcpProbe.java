package dev.baton.healthchecker.probe;

import dev.baton.healthchecker.probe.CheckDefinition.Tcp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TCP probe on the Vert.x event loop: connect within the timeout, optionally send a line and wait for
 * the reply to contain the expected text. At most {@link #MAX_REPLY_BYTES} of the reply are kept.
 */
@ApplicationScoped
public class TcpProbe implements Probe {
    static final int MAX_REPLY_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final Map<Long, NetClient> clients = new ConcurrentHashMap<>();

    public TcpProbe(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public CheckType type() {
        return CheckType.TCP;
    }

    @Override
    public CompletionStage<ProbeOutcome> probe(CheckDefinition check) {
        Tcp tcp = (Tcp) check.options();
        long timeoutMs = Math.max(1, check.timeout().toMillis());
        long start = System.nanoTime();
        CompletableFuture<ProbeOutcome> result = new CompletableFuture<>();
        AtomicReference<NetSocket> socket = new AtomicReference<>();
        long timer = vertx.setTimer(timeoutMs, id -> {
            String what = tcp.expect().isPresent() && socket.get() != null
                    ? "reply did not contain '" + tcp.expect().get().strip() + "' within " + timeoutMs + " ms"
                    : "no connection within " + timeoutMs + " ms";
            result.complete(ProbeOutcome.down(elapsed(start), what));
            close(socket.get());
        });
        result.whenComplete((o, e) -> vertx.cancelTimer(timer));
        client(timeoutMs).connect(tcp.port(), tcp.host()).onComplete(ar -> {
            if (ar.failed()) {
                result.complete(ProbeOutcome.down(elapsed(start), HttpProbe.describe(ar.cause())));
                return;
            }
            NetSocket s = ar.result();
            socket.set(s);
            if (result.isDone()) {
                s.close();
                return;
            }
            if (tcp.expect().isEmpty()) {
                tcp.send().ifPresent(text -> s.write(text));
                result.complete(ProbeOutcome.up(elapsed(start)));
                s.close();
                return;
            }
            String expected = tcp.expect().get();
            Buffer reply = Buffer.buffer();
            s.handler(chunk -> {
                if (reply.length() < MAX_REPLY_BYTES) {
                    reply.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_REPLY_BYTES - reply.length()));
                }
                if (reply.toString(StandardCharsets.UTF_8).contains(expected)) {
                    result.complete(ProbeOutcome.up(elapsed(start)));
                    s.close();
                } else if (reply.length() >= MAX_REPLY_BYTES) {
                    result.complete(ProbeOutcome.down(elapsed(start), "no '" + expected.strip() + "' in the first "
                            + MAX_REPLY_BYTES + " bytes of the reply"));
                    s.close();
                }
            });
            s.closeHandler(v -> result.complete(ProbeOutcome.down(elapsed(start),
                    "connection closed before '" + expected.strip() + "' was received")));
            s.exceptionHandler(e -> result.complete(ProbeOutcome.down(elapsed(start), HttpProbe.describe(e))));
            tcp.send().ifPresent(text -> s.write(text));
        });
        return result;
    }

    private NetClient client(long timeoutMs) {
        return clients.computeIfAbsent(timeoutMs, t -> vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, t))));
    }

    private static void close(NetSocket socket) {
        if (socket != null) {
            socket.close();
        }
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @PreDestroy
    void closeClients() {
        clients.values().forEach(NetClient::close);
    }
}
