package dev.baton.drill.netns;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A network fault between the places of a {@link Topology}, with its parameters in its name and a heal that undoes
 * exactly what it did. {@link #cuts} says which directed paths drop packets while it is in force, so a checker knows
 * what must and must not get through (a TCP connection needs both directions).
 */
public interface Nemesis {

    /** e.g. {@code partition(primary)}, {@code one-way(standby->primary, blackhole)}. */
    String name();

    void inject(Topology t) throws IOException;

    void heal(Topology t) throws IOException;

    /** The directed paths ("from->to") that drop packets while this is in force. */
    Set<String> cuts();

    /** How packets are refused by a route: dropped silently, or answered "administratively prohibited" (ICMP). */
    enum Drop {
        BLACKHOLE, PROHIBIT;

        String route() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The place loses the WAN: its port on the bridge goes down, nothing in or out. */
    static Nemesis partition(String place) {
        return new Nemesis() {
            @Override
            public String name() {
                return "partition(" + place + ")";
            }

            @Override
            public void inject(Topology t) throws IOException {
                Netns.must(Netns.in(t.ns("net"), "ip", "link", "set", t.wanPort(place), "down"));
            }

            @Override
            public void heal(Topology t) throws IOException {
                Netns.must(Netns.in(t.ns("net"), "ip", "link", "set", t.wanPort(place), "up"));
            }

            @Override
            public Set<String> cuts() {
                Set<String> out = new LinkedHashSet<>();
                for (String other : Topology.PLACES) {
                    if (!other.equals(place)) {
                        out.add(place + "->" + other);
                        out.add(other + "->" + place);
                    }
                }
                return out;
            }
        };
    }

    /** {@code a} and {@code b} cannot reach each other; both still reach the third place (the witness, typically). */
    static Nemesis bridge(String a, String b, Drop drop) {
        Nemesis ab = oneWay(a, b, drop);
        Nemesis ba = oneWay(b, a, drop);
        return new Nemesis() {
            @Override
            public String name() {
                return "bridge(" + a + "<->" + b + ", " + drop.route() + ")";
            }

            @Override
            public void inject(Topology t) throws IOException {
                ab.inject(t);
                ba.inject(t);
            }

            @Override
            public void heal(Topology t) throws IOException {
                ab.heal(t);
                ba.heal(t);
            }

            @Override
            public Set<String> cuts() {
                return Set.of(a + "->" + b, b + "->" + a);
            }
        };
    }

    /** Packets from {@code from} to {@code to} are refused at {@code from} (a route); the other direction flows. */
    static Nemesis oneWay(String from, String to, Drop drop) {
        return new Nemesis() {
            @Override
            public String name() {
                return "one-way(" + from + "->" + to + ", " + drop.route() + ")";
            }

            @Override
            public void inject(Topology t) throws IOException {
                Netns.must(Netns.in(t.ns(from), "ip", "route", "add", drop.route(), t.address(to) + "/32"));
            }

            @Override
            public void heal(Topology t) throws IOException {
                Netns.must(Netns.in(t.ns(from), "ip", "route", "del", drop.route(), t.address(to) + "/32"));
            }

            @Override
            public Set<String> cuts() {
                return Set.of(from + "->" + to);
            }
        };
    }

    /**
     * A flapping link: {@code place}'s WAN port down for {@code down}, up for {@code up}, {@code times} times. Driven
     * step by step ({@link Flap#flip}) by whoever schedules it (the check flips it itself, so that each state is
     * checked); the heal leaves the link up.
     */
    static Flap flap(String place, java.time.Duration down, java.time.Duration up, int times) {
        return new Flap(place, down, up, times);
    }

    /** See {@link #flap}. {@link #cuts} are those of the down half. */
    final class Flap implements Nemesis {
        private final Nemesis partition;
        private final String place;
        private final java.time.Duration down;
        private final java.time.Duration up;
        private final int times;
        private volatile boolean isDown;

        Flap(String place, java.time.Duration down, java.time.Duration up, int times) {
            this.partition = partition(place);
            this.place = place;
            this.down = down;
            this.up = up;
            this.times = times;
        }

        @Override
        public String name() {
            return "flap(" + place + ", down " + down.toMillis() + " ms / up " + up.toMillis() + " ms x" + times + ")";
        }

        /** Takes the link down (the first half of the first flap). */
        @Override
        public void inject(Topology t) throws IOException {
            partition.inject(t);
            isDown = true;
        }

        /** Flips the link once: down to up or up to down. */
        public synchronized void flip(Topology t) throws IOException {
            if (isDown) {
                partition.heal(t);
            } else {
                partition.inject(t);
            }
            isDown = !isDown;
        }

        public boolean isDown() {
            return isDown;
        }

        @Override
        public synchronized void heal(Topology t) throws IOException {
            if (isDown) {
                partition.heal(t);
                isDown = false;
            }
        }

        @Override
        public Set<String> cuts() {
            return partition.cuts();
        }
    }

    /**
     * Undoes every network fault there can be in {@code t}, whatever injected it (a run that failed half-way, a
     * crashed drill): every WAN port up, every blackhole and prohibit route gone.
     */
    static void healAll(Topology t) throws IOException {
        for (String place : Topology.all()) {
            Netns.must(Netns.in(t.ns("net"), "ip", "link", "set", t.wanPort(place), "up"));
            for (Drop drop : Drop.values()) {
                Netns.must(Netns.in(t.ns(place), "ip", "route", "flush", "type", drop.route()));
            }
        }
    }

    /** Every nemesis of the check, for every place and pair. */
    static List<Nemesis> catalogue() {
        return List.of(partition("primary"), partition("standby"), partition("witness"),
                bridge("primary", "standby", Drop.BLACKHOLE), bridge("primary", "standby", Drop.PROHIBIT),
                oneWay("primary", "standby", Drop.BLACKHOLE), oneWay("standby", "primary", Drop.PROHIBIT),
                oneWay("standby", "witness", Drop.BLACKHOLE));
    }
}
