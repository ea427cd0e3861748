package dev.baton.drill.netns;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Proves the namespace world and its nemeses on this machine ({@code DrillMain netns-check}): builds a
 * {@link Topology}, listens on every place's address, checks that every place reaches every other over TCP, then for
 * each nemesis in the {@link Nemesis#catalogue}: injects it, checks exactly the expected connections fail (a TCP
 * connection needs both directions), heals it and checks the full mesh again. Leftovers of an earlier run are removed
 * first; everything is removed at the end, also on failure.
 */
public final class NetnsCheck {
    private static final int PORT = 7799;
    private static final String LISTENER = "import socket\n"
            + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "s.bind(('%s', %d)); s.listen(64)\n"
            + "while True:\n    c, _ = s.accept(); c.close()\n";
    private static final String PROBE = "import socket, sys\n"
            + "try:\n    socket.create_connection(('%s', %d), timeout=1.5).close()\nexcept OSError:\n    sys.exit(1)\n";

    private NetnsCheck() {
    }

    /** @return true when every connection behaved as each nemesis says it must */
    public static boolean run(String world, PrintStream out) throws IOException {
        List<String> leftovers = Netns.removeLeftovers();
        if (!leftovers.isEmpty()) {
            out.println("netns: removed leftovers of an earlier run: " + leftovers);
        }
        List<Process> listeners = new ArrayList<>();
        try (Topology t = Topology.create(world)) {
            for (String place : Topology.PLACES) {
                listeners.add(new ProcessBuilder(Netns.in(t.ns(place), "python3", "-c", String.format(LISTENER, t.address(place), PORT)))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            out.printf("netns world %s: %s%n", world, Topology.PLACES.stream().map(p -> p + "=" + t.address(p) + " (" + t.ns(p) + ")").toList());
            boolean ok = expect(t, Set.of(), "baseline", out);
            for (Nemesis n : Nemesis.catalogue()) {
                n.inject(t);
                ok &= expect(t, n.cuts(), n.name(), out);
                n.heal(t);
                ok &= expect(t, Set.of(), "healed " + n.name(), out);
            }
            // a flapping link, driven step by step (down, up, down) so that each state is checked, then healed down
            Nemesis.Flap flap = Nemesis.flap("standby", java.time.Duration.ofMillis(1500), java.time.Duration.ofMillis(1500), 3);
            flap.inject(t);
            ok &= expect(t, flap.cuts(), flap.name() + ": down", out);
            flap.flip(t);
            ok &= expect(t, Set.of(), flap.name() + ": up", out);
            flap.flip(t);
            ok &= expect(t, flap.cuts(), flap.name() + ": down again", out);
            flap.heal(t);
            ok &= expect(t, Set.of(), "healed " + flap.name(), out);
            ok &= smallDisk(world, out);
            out.println(ok ? "netns check: PASSED" : "netns check: FAILED");
            return ok;
        } finally {
            for (Process p : listeners) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * The full-disk nemesis: a small disk on an empty directory takes a file, is filled until a write fails for want
     * of space (and the earlier file is intact), takes files again once drained, and is unmounted at the end.
     */
    private static boolean smallDisk(String world, PrintStream out) throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("baton-drill-disk");
        try {
            boolean full;
            boolean intact;
            boolean roomAgain;
            long filled;
            try (SmallDisk disk = SmallDisk.mount(world, dir, 1)) {
                java.nio.file.Files.writeString(dir.resolve("engine.json"), "{\"seq\":1}");
                filled = disk.fill();
                full = !writes(dir.resolve("next.json"));
                intact = java.nio.file.Files.readString(dir.resolve("engine.json")).equals("{\"seq\":1}");
                disk.drain();
                roomAgain = writes(dir.resolve("next.json"));
            }
            boolean unmounted = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/mounts")).stream()
                    .noneMatch(l -> l.split(" ")[1].equals(dir.toString()));
            boolean ok = full && intact && roomAgain && unmounted && filled > 0;
            out.printf("  %-44s filled with %d bytes; full %s, earlier file intact %s, room after drain %s, unmounted %s%s%n",
                    "full-disk (a 1 MiB tmpfs)", filled, full, intact, roomAgain, unmounted, ok ? "" : "   UNEXPECTED");
            return ok;
        } finally {
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f : files.toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    private static boolean writes(java.nio.file.Path file) {
        try {
            java.nio.file.Files.write(file, new byte[4096]);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Checks every ordered pair: a TCP connection from a to b succeeds exactly when neither a->b nor b->a is cut. */
    private static boolean expect(Topology t, Set<String> cuts, String label, PrintStream out) throws IOException {
        Map<String, Boolean> wrong = new LinkedHashMap<>();
        StringBuilder seen = new StringBuilder();
        for (String a : Topology.PLACES) {
            for (String b : Topology.PLACES) {
                if (a.equals(b)) {
                    continue;
                }
                boolean expected = !cuts.contains(a + "->" + b) && !cuts.contains(b + "->" + a);
                boolean got = connects(t, a, b, expected);
                seen.append(String.format(" %s->%s %s", a.charAt(0), b.charAt(0), got ? "ok" : "--"));
                if (got != expected) {
                    wrong.put(a + "->" + b, got);
                }
            }
        }
        out.printf("  %-44s%s%s%n", label, seen, wrong.isEmpty() ? "" : "   UNEXPECTED " + wrong);
        return wrong.isEmpty();
    }

    private static boolean connects(Topology t, String from, String to, boolean expected) throws IOException {
        // a connection expected to work is tried again (a listener still starting on a fresh world); one expected to
        // fail is tried once: each attempt at a cut path waits out its whole timeout
        for (int attempt = 0; attempt < (expected ? 3 : 1); attempt++) {
            Process p = new ProcessBuilder(Netns.in(t.ns(from), "python3", "-c", String.format(PROBE, t.address(to), PORT)))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (p.exitValue() == 0) {
                return true;
            }
        }
        return false;
    }
}
