package dev.baton.drill.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ip netns} and {@code ip} as the drill uses them: every name it creates starts with {@link #PREFIX}, and only
 * such names are ever removed. Needs root and iproute2.
 */
public final class Netns {
    /** Every namespace the drill creates is named {@code baton-drill-<world>-<place>}. */
    public static final String PREFIX = "baton-drill-";

    private Netns() {
    }

    /** Why the namespace world cannot run here, in one line; empty when it can (root, iproute2, {@code ip netns} works). */
    public static java.util.Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return java.util.Optional.of("the network-namespace world needs root (ip netns); running as " + System.getProperty("user.name"));
        }
        try {
            Result r = run(List.of("ip", "netns", "list"));
            if (r.exit != 0) {
                return java.util.Optional.of("ip netns does not work here: " + r.output.trim());
            }
        } catch (IOException e) {
            return java.util.Optional.of("iproute2's ip is not installed: " + e.getMessage());
        }
        return java.util.Optional.empty();
    }

    /** The drill's namespaces that exist now (leftovers of an earlier run, or this run's). */
    public static List<String> existing() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : run(List.of("ip", "netns", "list")).output.split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (name.startsWith(PREFIX)) {
                out.add(name);
            }
        }
        return out;
    }

    /** Kills every process inside {@code ns} and deletes it; only ever called with the drill's own names. */
    public static void remove(String ns) throws IOException {
        if (!ns.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a drill namespace: " + ns);
        }
        for (String pid : run(List.of("ip", "netns", "pids", ns)).output.split("\\s+")) {
            if (!pid.isBlank()) {
                run(List.of("kill", "-9", pid.trim()));
            }
        }
        run(List.of("ip", "netns", "delete", ns));
    }

    /**
     * Removes every drill namespace left by an earlier run (a crash, Ctrl-C, kill -9 of the drill), and only those: a
     * world's name carries the process id of the drill that built it ({@link #worldName}), and a world whose drill
     * still runs (a campaign next to a check, say) is left alone.
     */
    public static List<String> removeLeftovers() throws IOException {
        List<String> removed = new ArrayList<>();
        for (String ns : existing()) {
            if (!ownerAlive(ns)) {
                remove(ns);
                removed.add(ns);
            }
        }
        for (String disk : SmallDisk.removeLeftovers()) {
            removed.add("small disk " + disk);
        }
        return removed;
    }

    /** A world name for this process: a letter for what built it, then its process id in base 36 (at most 6 characters). */
    public static String worldName(char kind) {
        return kind + Long.toString(ProcessHandle.current().pid(), 36);
    }

    static boolean ownerAlive(String ns) {
        String world = ns.substring(PREFIX.length()).split("-")[0];
        try {
            long pid = Long.parseLong(world.substring(1), 36);
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return false;
        }
    }

    /** {@code ip netns exec ns cmd...}. */
    public static List<String> in(String ns, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(Arrays.asList(command));
        return all;
    }

    /** A finished command: exit code and its output (stdout and stderr together). */
    public record Result(int exit, String output) {
    }

    /** Runs a command to its end (at most 20 s). */
    public static Result run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 20 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Runs a command that must succeed. */
    public static void must(List<String> command) throws IOException {
        Result r = run(command);
        if (r.exit != 0) {
            throw new IOException(String.join(" ", command) + " exited " + r.exit + ": " + r.output.trim());
        }
    }
}
