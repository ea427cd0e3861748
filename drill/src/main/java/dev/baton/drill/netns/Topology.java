package dev.baton.drill.netns;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The places of a drill world as network namespaces: {@code baton-drill-<world>-<place>} for primary, standby and
 * witness, each with one interface ({@code eth0}) on a bridge that lives in a fourth namespace,
 * {@code baton-drill-<world>-net} (the WAN between datacenters). Addresses come from {@link #SUBNET}, which exists
 * only inside these namespaces: nothing a process there sends can leave them. {@link #close} removes everything.
 */
public final class Topology implements AutoCloseable {
    /** The private range of the namespace world: one /24, on the bridge only. */
    public static final String SUBNET = "10.251.0.0/24";
    public static final List<String> PLACES = List.of("primary", "standby", "witness");
    /**
     * The fourth place on the bridge, {@code ops}: the drill itself and what stands for the outside world (the broker,
     * the DNS provider's API and nameservers, the chat and mail services, the power API).
     */
    public static final String OPS = "ops";
    private static final Map<String, String> ADDRESSES = Map.of(OPS, "10.251.0.1", "primary", "10.251.0.11", "standby", "10.251.0.12",
            "witness", "10.251.0.13");

    private final String world;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private boolean closed;
    private boolean attached;

    private Topology(String world) {
        this.world = world;
    }

    /**
     * Builds the namespaces, the bridge and one veth pair per place.
     *
     * @param world a short name for this world (letters and digits, at most 6), part of every name created
     */
    public static Topology create(String world) throws IOException {
        Topology t = new Topology(checked(world));
        try {
            t.build();
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /**
     * The topology {@link #create} built for {@code world} (in another process: the drill re-executes itself inside
     * {@code ops}); closing it removes nothing, that stays the creator's job.
     */
    public static Topology attach(String world) throws IOException {
        Topology t = new Topology(checked(world));
        t.attached = true;
        for (String place : all()) {
            if (!Netns.existing().contains(t.ns(place))) {
                throw new IOException("namespace " + t.ns(place) + " does not exist: the world " + world + " was not built");
            }
            t.addresses.put(place, ADDRESSES.get(place));
        }
        return t;
    }

    private static String checked(String world) {
        if (!world.matches("[a-z0-9]{1,6}")) {
            throw new IllegalArgumentException("a world's name is 1-6 lowercase letters or digits: " + world);
        }
        return world;
    }

    /** The places on the bridge: {@link #PLACES} and {@link #OPS}. */
    public static List<String> all() {
        return List.of("primary", "standby", "witness", OPS);
    }

    /** This world's short name. */
    public String world() {
        return world;
    }

    private void build() throws IOException {
        String net = ns("net");
        Netns.must(List.of("ip", "netns", "add", net));
        Netns.must(Netns.in(net, "ip", "link", "set", "lo", "up"));
        Netns.must(Netns.in(net, "ip", "link", "add", "br0", "type", "bridge"));
        Netns.must(Netns.in(net, "ip", "link", "set", "br0", "up"));
        for (String place : all()) {
            String ns = ns(place);
            String address = ADDRESSES.get(place);
            addresses.put(place, address);
            Netns.must(List.of("ip", "netns", "add", ns));
            Netns.must(Netns.in(ns, "ip", "link", "set", "lo", "up"));
            // created inside the place's namespace: no name is ever used in the host's namespace
            String wan = "w" + place.charAt(0);
            Netns.must(Netns.in(ns, "ip", "link", "add", "eth0", "type", "veth", "peer", "name", wan));
            Netns.must(Netns.in(ns, "ip", "link", "set", wan, "netns", net));
            Netns.must(Netns.in(ns, "ip", "addr", "add", address + "/24", "dev", "eth0"));
            Netns.must(Netns.in(ns, "ip", "link", "set", "eth0", "up"));
            Netns.must(Netns.in(net, "ip", "link", "set", wan, "master", "br0"));
            Netns.must(Netns.in(net, "ip", "link", "set", wan, "up"));
        }
    }

    /** The namespace of {@code place} ({@code primary}, {@code standby}, {@code witness}, or {@code net}). */
    public String ns(String place) {
        return Netns.PREFIX + world + "-" + place;
    }

    /** The address {@code place}'s processes bind to. */
    public String address(String place) {
        String a = addresses.get(place);
        if (a == null) {
            throw new IllegalArgumentException("no place " + place + "; places: " + all());
        }
        return a;
    }

    /** {@code place}'s side of the bridge, in the {@code net} namespace (down = the place is cut off from all). */
    String wanPort(String place) {
        return "w" + place.charAt(0);
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed || attached) {
            return;
        }
        closed = true;
        IOException first = null;
        for (String place : List.of("primary", "standby", "witness", OPS, "net")) {
            try {
                if (Netns.existing().contains(ns(place))) {
                    Netns.remove(ns(place));
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
