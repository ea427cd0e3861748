package dev.baton.drill.site;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One network path, e.g. "the witness observer to the primary's engine": a TCP forwarder on 127.0.0.1 in
 * front of a port, which the drill can cut and restore without restarting anyone. Cut, it behaves like a
 * partition: connections through it are reset and new ones are accepted but never answered (the prober
 * times out), as packets dropped on the way would leave them.
 */
public final class Link implements AutoCloseable {
    private final String name;
    private final int targetPort;
    private final ServerSocket server;
    private final ExecutorService pool;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    public Link(String name, int targetPort) throws IOException {
        this.name = name;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "link-" + name);
            t.setDaemon(true);
            return t;
        });
        pool.execute(this::acceptLoop);
    }

    public String name() {
        return name;
    }

    /** The port probers are pointed at instead of the target's. */
    public int port() {
        return server.getLocalPort();
    }

    public boolean isCut() {
        return cut;
    }

    /** Partitions the path: open connections are dropped, new ones hang. */
    public void cut() {
        cut = true;
        closeAll();
    }

    /** Heals the path; connections left hanging by the cut are closed so their owners reconnect. */
    public void restore() {
        if (cut) {
            cut = false;
            closeAll();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                if (cut) {
                    continue; // accepted and never answered: closed on restore or close
                }
                pool.execute(() -> forward(client));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void forward(Socket client) {
        try (Socket upstream = new Socket()) {
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 1000);
            open.add(upstream);
            pool.execute(() -> pump(upstream, client));
            pump(client, upstream);
        } catch (IOException e) {
            // target down: the prober sees its connection closed, as with a refused connection behind a router
        } finally {
            close(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (cut) {
                    break;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side went away
        } finally {
            close(from);
            close(to);
        }
    }

    private void closeAll() {
        for (Socket s : open) {
            close(s);
        }
    }

    private void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        closeAll();
        pool.shutdownNow();
    }
}
