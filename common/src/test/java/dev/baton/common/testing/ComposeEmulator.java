package dev.baton.common.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Emulates the slice of {@code docker compose} / {@code docker inspect} Baton drives on a site,
 * and records every start and stop with a timestamp so tests can prove two sites never ran the
 * engine at once.
 *
 * <ul>
 * <li>{@code docker compose [-f x] up -d [svc...]} starts the services (all known ones if none named)</li>
 * <li>{@code docker compose [-f x] stop|down [svc...]} stops them</li>
 * <li>{@code docker compose [-f x] ps --services --filter status=running} lists running ones</li>
 * <li>{@code docker inspect -f '{{.State.Running}}' name} prints true/false</li>
 * </ul>
 */
public final class ComposeEmulator implements CommandHandler {

    /** One start or stop of one service. */
    public record Event(Instant at, String service, boolean running) {
    }

    private final String site;
    private final Set<String> services;
    private final Set<String> running = new LinkedHashSet<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private volatile boolean failing;
    private volatile boolean stuck;

    public ComposeEmulator(String site, Set<String> services) {
        this.site = site;
        this.services = new LinkedHashSet<>(services);
    }

    public String site() {
        return site;
    }

    public synchronized boolean isRunning(String service) {
        return running.contains(service);
    }

    public synchronized Set<String> running() {
        return Set.copyOf(running);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /**
     * Marks a service running without a command, as a compose restart policy would after a reboot.
     *
     * @return the start it recorded, or empty when the service already ran
     */
    public synchronized java.util.Optional<Event> bringUp(String service) {
        if (running.add(service)) {
            Event e = new Event(Instant.now(), service, true);
            events.add(e);
            return java.util.Optional.of(e);
        }
        return java.util.Optional.empty();
    }

    /** While failing, every docker command exits 1 (a broken Docker daemon). */
    public void failing(boolean failing) {
        this.failing = failing;
    }

    /** While stuck, {@code stop}/{@code down}/{@code kill} exit 0 but the services keep running (a container that ignores SIGTERM and SIGKILL). */
    public void stuck(boolean stuck) {
        this.stuck = stuck;
    }

    @Override
    public synchronized Reply handle(Request request) {
        List<String> words = words(request.command());
        if (words.size() >= 2 && words.get(0).equals("docker") && words.get(1).equals("inspect")) {
            if (failing) {
                return Reply.fail(1, "Cannot connect to the Docker daemon\n");
            }
            String name = words.get(words.size() - 1);
            if (!services.contains(name)) {
                return Reply.fail(1, "Error: No such object: " + name + "\n");
            }
            return Reply.ok(running.contains(name) + "\n");
        }
        if (words.size() < 3 || !words.get(0).equals("docker") || !words.get(1).equals("compose")) {
            return Reply.fail(127, "sh: " + request.command() + ": not found\n");
        }
        if (failing) {
            return Reply.fail(1, "Cannot connect to the Docker daemon\n");
        }
        List<String> rest = new ArrayList<>(words.subList(2, words.size()));
        while (rest.size() >= 2 && (rest.get(0).equals("-f") || rest.get(0).equals("--project-directory") || rest.get(0).equals("-p"))) {
            rest.remove(0);
            rest.remove(0);
        }
        if (rest.isEmpty()) {
            return Reply.fail(1, "no compose command\n");
        }
        String verb = rest.get(0);
        List<String> named = rest.subList(1, rest.size()).stream().filter(w -> !w.startsWith("-") && !w.contains("=")).toList();
        Set<String> targets = named.isEmpty() ? services : new LinkedHashSet<>(named);
        for (String t : targets) {
            if (!services.contains(t)) {
                return Reply.fail(1, "no such service: " + t + "\n");
            }
        }
        switch (verb) {
            case "up", "start", "restart" -> targets.forEach(this::bringUp);
            case "stop", "down", "kill" -> targets.forEach(t -> {
                if (!stuck && running.remove(t)) {
                    events.add(new Event(Instant.now(), t, false));
                }
            });
            case "ps" -> {
                return Reply.ok(running.isEmpty() ? "" : String.join("\n", running) + "\n");
            }
            default -> {
                return Reply.fail(1, "unknown docker compose command: " + verb + "\n");
            }
        }
        return Reply.ok("");
    }

    private static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        for (String w : command.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                words.add(w.replaceAll("^'|'$", ""));
            }
        }
        return words;
    }
}
