package dev.baton.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for test servers that must be bound again later, or bound by another process than the one that picked them
 * (a ZooKeeper server restarted on its ports, a service in a network namespace): free now on 127.0.0.1, below the
 * ephemeral range ({@code net.ipv4.ip_local_port_range}) so that no outgoing connection is ever given one as its
 * source port in the meantime, and never the same one twice in one JVM. A port from the ephemeral range was taken that
 * way under load: a ZooKeeper server could not bind its election port and ZooKeeper exited the whole JVM (code 14).
 */
public final class LocalPorts {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LocalPorts() {
    }

    public static int free() throws IOException {
        int below = ephemeralStart();
        ThreadLocalRandom random = ThreadLocalRandom.current();
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
        for (int attempt = 0; attempt < 200; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
        throw new IOException("no free port on 127.0.0.1 that was not handed out already");
    }

    /**
     * The first port of the ephemeral range. Read line by line: {@code Files.readString} of this procfs file returned
     * its first byte only on this JDK ("3"), and every port then came from the ephemeral range, twice at times (a
     * ZooKeeper configuration with one port for quorum and election, which ZooKeeper refuses).
     */
    static int ephemeralStart() {
        try {
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
