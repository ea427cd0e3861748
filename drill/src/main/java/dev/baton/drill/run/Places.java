package dev.baton.drill.run;

import dev.baton.common.testing.Placement;
import dev.baton.drill.netns.Netns;
import dev.baton.drill.netns.Topology;
import java.util.List;
import java.util.Optional;

/**
 * Where each part of a drill world runs. In the loopback world every place is 127.0.0.1 and every process starts as
 * it is. In the network-namespace world ({@link Topology}) each place is a namespace with its own address, a place's
 * processes are started inside it ({@code ip netns exec}) and bind to that address, and the drill itself runs in
 * {@link Topology#OPS} with what stands for the outside world (broker, DNS provider, chat and mail, power API).
 */
public final class Places {
    private final Topology topology;

    private Places(Topology topology) {
        this.topology = topology;
    }

    public static Places loopback() {
        return new Places(null);
    }

    public static Places netns(Topology topology) {
        return new Places(topology);
    }

    public boolean isNetns() {
        return topology != null;
    }

    /** The namespace world's topology, when this is one. */
    public Optional<Topology> topology() {
        return Optional.ofNullable(topology);
    }

    /** The address {@code place} binds to: {@code primary}, {@code standby}, {@code witness} or {@code ops}. */
    public String address(String place) {
        return topology == null ? "127.0.0.1" : topology.address(place);
    }

    /** How a process of {@code place} is started and where it binds. The drill runs in {@code ops}: no launcher there. */
    public Placement of(String place) {
        if (topology == null) {
            return Placement.LOOPBACK;
        }
        return new Placement(topology.address(place), place.equals(Topology.OPS) ? List.of()
                : Netns.in(topology.ns(place)));
    }

    /** How a command run by a site's shell reaches the drill: through {@code ops}'s namespace in the netns world. */
    public List<String> toOps() {
        return topology == null ? List.of() : Netns.in(topology.ns(Topology.OPS));
    }

    /** For the timeline: "everything on 127.0.0.1" or the namespaces and their addresses. */
    public String describe() {
        if (topology == null) {
            return "everything on 127.0.0.1";
        }
        return "network namespaces " + String.join(", ", Topology.all().stream().map(p -> p + " " + topology.address(p)).toList());
    }
}
