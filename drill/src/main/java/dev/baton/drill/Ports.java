package dev.baton.drill;

import java.io.IOException;

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
     * A port that is free now, below the ephemeral range and never handed out twice ({@code LocalPorts}): a service the
     * drill kills and starts again gets its old port back, and in the namespace world a port is checked here but bound
     * in another namespace.
     */
    public static int free() throws IOException {
        return dev.baton.common.testing.LocalPorts.free();
    }
}
