package dev.baton.drill.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.drill.Json;
import dev.baton.drill.site.SimulatedSite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sites themselves hold, sampled every {@link #PERIOD_MS} ms independently of Baton's own view: the epoch
 * and term each site accepted ({@code .baton/epoch} and {@code .baton/epoch.term}, written by the coordinator over
 * SSH) and the sequence number of the state each site holds ({@code state/engine.json}: the engine's own on the
 * active site, state-sync's copy on the other). From the samples, {@link #check} proves the history's invariants:
 * a site's epoch never decreases, nor its term within an epoch; within one epoch of the world (the highest any site
 * accepted) no site's state goes backwards. A drop in state across epochs is a failover's RPO, not a regression.
 */
public final class History implements AutoCloseable {
    static final long PERIOD_MS = 100;

    /**
     * One look at one site. epoch/term -1 when the site holds none yet; seq -1 when it holds no state; writer: the
     * site whose engine wrote the state the site holds (itself, or the other one when it is state-sync's copy);
     * dataEpoch: the epoch that engine was started under (-1 when the state does not say).
     */
    record Sample(Instant at, String site, long epoch, long term, long seq, String writer, long dataEpoch) {
        Sample(Instant at, String site, long epoch, long term, long seq, String writer) {
            this(at, site, epoch, term, seq, writer, -1);
        }
    }

    private final List<SimulatedSite> sites;
    /** Guarded by itself; a run's {@link #since} drops what no later run needs (a copy-on-write list was O(n) per sample). */
    private final List<Sample> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    History(List<SimulatedSite> sites) {
        this.sites = List.copyOf(sites);
        this.sampler = new Thread(this::loop, "drill-history");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void loop() {
        while (running) {
            sampleOnce();
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Records one sample (the sampler's, or a test's). */
    void add(Sample sample) {
        synchronized (samples) {
            samples.add(sample);
        }
    }

    void sampleOnce() {
        Instant now = Instant.now();
        for (SimulatedSite site : sites) {
            JsonNode state = state(site.root().resolve("state/engine.json"));
            add(new Sample(now, site.name(), number(site.root().resolve(".baton/epoch")),
                    number(site.root().resolve(".baton/epoch.term")), state.path("seq").asLong(-1), state.path("site").asText(""),
                    state.path("epoch").asLong(-1)));
        }
    }

    private static long number(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static JsonNode state(Path file) {
        try {
            return Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /**
     * The samples taken from {@code since} on, after each site's last one before it: what a site held when a run began
     * is where its history in that run starts (a reset between runs that lowered an epoch would show in the next run).
     */
    List<Sample> since(Instant since) {
        java.util.Map<String, Sample> before = new java.util.LinkedHashMap<>();
        List<Sample> out = new ArrayList<>();
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.at().isBefore(since)) {
                    before.put(s.site(), s);
                } else {
                    out.add(s);
                }
            }
            out.addAll(0, before.values());
            // runs only move forward: older samples than each site's last before this run are never read again
            samples.clear();
            samples.addAll(out);
        }
        return out;
    }

    /** What {@link #check} found: each regression in words. */
    record Findings(List<String> epochRegressions, List<String> stateRegressions) {
    }

    /**
     * The invariants over {@code history} (samples in time order): per site, epoch never lower than before, term never
     * lower within one epoch; per site, writer and world epoch, state sequence never lower than before, for state
     * written in the world epoch (what a site held before an epoch's first copy reached it is another writer's, or
     * another epoch's, and an earlier epoch's data dropping on the old primary is the RPO: not compared). Unreadable
     * values (-1: a file being replaced, or not there yet) are skipped.
     */
    static Findings check(List<Sample> history) {
        List<String> epochs = new ArrayList<>();
        List<String> states = new ArrayList<>();
        java.util.Map<String, Sample> lastEpoch = new java.util.HashMap<>();
        java.util.Map<String, Long> lastSeq = new java.util.HashMap<>();
        long worldEpoch = -1;
        for (Sample s : history) {
            worldEpoch = Math.max(worldEpoch, s.epoch());
            if (s.epoch() >= 0) {
                Sample before = lastEpoch.get(s.site());
                if (before != null && (s.epoch() < before.epoch() || s.epoch() == before.epoch() && s.term() >= 0 && s.term() < before.term())) {
                    epochs.add(s.site() + " went from epoch " + before.epoch() + " term " + before.term() + " to epoch " + s.epoch() + " term "
                            + s.term() + " at " + s.at());
                }
                if (before == null || s.epoch() > before.epoch() || s.epoch() == before.epoch() && s.term() >= before.term()) {
                    lastEpoch.put(s.site(), s);
                }
            }
            // data of an earlier epoch (the old primary's own records, then the new active's shorter copy of them) is
            // the failover's RPO where it drops, not a regression: only the current epoch's data is compared
            if (s.seq() >= 0 && worldEpoch >= 0 && (s.dataEpoch() < 0 || s.dataEpoch() == worldEpoch)) {
                String key = s.site() + "/" + s.writer() + "/" + worldEpoch;
                Long before = lastSeq.get(key);
                if (before != null && s.seq() < before) {
                    states.add(s.site() + "'s state (written by " + s.writer() + ") went back from seq " + before + " to " + s.seq()
                            + " in epoch " + worldEpoch + " at " + s.at());
                } else {
                    lastSeq.put(key, s.seq());
                }
            }
        }
        return new Findings(epochs, states);
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
