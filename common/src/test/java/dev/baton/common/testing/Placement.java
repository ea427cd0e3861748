package dev.baton.common.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a test peer runs: the address it binds to and the words put before its command line. {@link #LOOPBACK} is
 * 127.0.0.1 and the command as it is; the drill's network-namespace world places a peer in a namespace it created
 * ({@code ip netns exec <namespace>}) on that namespace's own address.
 */
public record Placement(String host, List<String> launcher) {
    public static final Placement LOOPBACK = new Placement("127.0.0.1", List.of());

    public Placement {
        launcher = List.copyOf(launcher);
    }

    /** {@code command} as this placement starts it. */
    public List<String> command(List<String> command) {
        List<String> all = new ArrayList<>(launcher);
        all.addAll(command);
        return all;
    }
}
