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

    /**
     * {@code chaos --parallel P}: the campaign split over P drill processes, each in a namespace world of its own
     * ({@link #reexecute}; the worlds' namespaces are named after their process, their addresses are the same and
     * never meet), worker W doing the runs whose index is W modulo P with the seed each has in the whole campaign. Their
     * output comes through prefixed {@code [wN]}, their JSON lines go to one file ({@code jsonl}, or a temporary one),
     * and the campaign's table is printed from what they appended. Ctrl-C stops every worker, each removes its world.
     * Exit 0 when every worker's runs all passed.
     */
    static int parallel(String[] args, int workers, Path jsonl, PrintStream out) throws IOException, InterruptedException {
        Path file = jsonl != null ? jsonl : java.nio.file.Files.createTempFile("baton-drill-parallel", ".jsonl");
        long from = java.nio.file.Files.exists(file) ? java.nio.file.Files.size(file) : 0;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--parallel") || args[i].equals("--jsonl")) {
                i++;
            } else {
                rest.add(args[i]);
            }
        }
        long started = System.nanoTime();
        List<Process> children = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        Thread stop = new Thread(() -> children.forEach(Process::destroy), "drill-parallel-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        int exit = 0;
        try {
            for (int w = 0; w < workers; w++) {
                List<String> command = new ArrayList<>(javaCommand());
                command.addAll(rest);
                command.addAll(List.of("--jsonl", file.toString(), "--worker", w + "/" + workers));
                Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
                children.add(child);
                String prefix = "[w" + (w + 1) + "] ";
                Thread pump = new Thread(() -> {
                    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                            java.nio.charset.StandardCharsets.UTF_8))) {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            synchronized (out) {
                                out.println(prefix + line);
                            }
                        }
                    } catch (IOException e) {
                        synchronized (out) {
                            out.println(prefix + "(output lost: " + e.getMessage() + ")");
                        }
                    }
                }, "drill-parallel-out-" + (w + 1));
                pump.start();
                pumps.add(pump);
            }
            for (Process child : children) {
                exit = Math.max(exit, child.waitFor());
            }
            for (Thread pump : pumps) {
                pump.join();
            }
        } finally {
            children.forEach(Process::destroy);
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook stops the workers
            }
        }
        out.printf("%n== chaos summary (namespace world, %d workers in parallel): %.1f min%n", workers, (System.nanoTime() - started) / 60e9);
        dev.baton.drill.run.ChaosSummary.appended(file, from).print(out);
        if (jsonl == null) {
            java.nio.file.Files.delete(file);
        }
        return exit;
    }

    /** This JVM's command line up to its main class: the same java, options and class path. */
    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DrillMain.class.getName()));
        return command;
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
            List<String> java = javaCommand();
            command.addAll(java.subList(0, java.size() - 3));
            command.add("-Dbaton.drill.host=" + topology.address(Topology.OPS));
            command.addAll(java.subList(java.size() - 3, java.size()));
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
