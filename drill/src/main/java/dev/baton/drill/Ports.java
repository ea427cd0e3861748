package dev.baton.drill;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Ports for the drill's own listeners, and the address they bind to. */
public final class Ports {
    private Ports() {
    }

    /**
     * Where the drill's own listeners (broker, fakes, mail) bind: 127.0.0.1, or in the namespace world the address of
     * the {@code ops} namespace the drill runs in ({@code -Dbaton.drill.host}, set by the drill itself).
     */
    public static String host() {
        return System.getProperty("baton.drill.host", "127.0.0.1");
    }

    /** {@link #host()} as an address to bind to. */
    public static java.net.InetAddress bindAddress() {
        try {
            return java.net.InetAddress.getByName(host());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("baton.drill.host is not an address: " + host(), e);
        }
    }

    /**
     * Never the same port twice in one drill: in the namespace world a port is checked here but bound in another
     * namespace, where two services of one place must not be handed the same one.
     */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port that is free now and that the kernel never hands out as a connection's source port: below the
     * ephemeral range ({@code net.ipv4.ip_local_port_range}). A service the drill kills and starts again gets its old
     * port back; with a port from the ephemeral range, one of the world's many outgoing connections could hold it by
     * then (seen once in 13 runs with the ensemble's sessions: "port in use" on a coordinator's restart).
     */
    public static int free() throws IOException {
        int below = ephemeralStart();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200 && below > 11000; attempt++) {
            int port = random.nextInt(10000, below);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                HANDED_OUT.add(port);
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
