package dev.baton.drill;

import dev.baton.drill.netns.Netns;
import dev.baton.drill.netns.Topology;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --world netns}: builds the namespaces ({@link Topology}) and runs the drill again inside the {@code ops}
 * namespace, where every address it gives out is one of the namespaces' own. The namespaces go when the drill ends,
 * also on Ctrl-C or an error; a drill killed outright leaves them to the next one, which removes them first (by the
 * drill's own names only).
 */
final class NetnsWorld {
    private NetnsWorld() {
    }

    /** Runs the drill with {@code args} in a fresh namespace world; its exit code (2 when this machine cannot). */
    static int reexecute(String[] args, PrintStream out) throws IOException, InterruptedException {
        Optional<String> why = Netns.unavailable();
        if (why.isPresent()) {
            out.println("the network-namespace world cannot run here: " + why.get() + "; the loopback world (the default) needs neither");
            return 2;
        }
        List<String> leftovers = Netns.removeLeftovers();
        if (!leftovers.isEmpty()) {
            out.println("removed namespaces an earlier drill left behind: " + String.join(", ", leftovers));
        }
        String name = Netns.worldName('d');
        Topology topology = Topology.create(name);
        Process child = null;
        Thread cleanup = new Thread(() -> {
            try {
                topology.close();
            } catch (IOException e) {
                System.err.println("could not remove the drill's namespaces: " + e.getMessage());
            }
        }, "drill-netns-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            List<String> command = new ArrayList<>(Netns.in(topology.ns(Topology.OPS)));
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.add("-Dbaton.drill.host=" + topology.address(Topology.OPS));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), DrillMain.class.getName()));
            command.addAll(List.of(args));
            command.addAll(List.of("--in-netns", name));
            child = new ProcessBuilder(command).inheritIO().start();
            return child.waitFor();
        } finally {
            if (child != null && child.isAlive()) {
                child.destroy();
                child.waitFor();
            }
            topology.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs anyway, and finds the namespaces gone
            }
        }
    }
}
