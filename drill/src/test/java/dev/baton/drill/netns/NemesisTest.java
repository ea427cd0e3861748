package dev.baton.drill.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What each nemesis claims to cut (the checker's expectations), and the naming rules that keep the drill away from
 * anything it did not create. The namespaces themselves are exercised by {@code DrillMain netns-check}, which
 * {@code .ci/run} runs as root.
 */
class NemesisTest {

    @Test
    void aPartitionCutsThePlaceFromEveryOtherInBothDirections() {
        assertThat(Nemesis.partition("standby").cuts()).containsExactlyInAnyOrder("standby->primary", "primary->standby",
                "standby->witness", "witness->standby");
    }

    @Test
    void aBridgePartitionLeavesTheWitnessReachableFromBoth() {
        Set<String> cuts = Nemesis.bridge("primary", "standby", Nemesis.Drop.BLACKHOLE).cuts();
        assertThat(cuts).containsExactlyInAnyOrder("primary->standby", "standby->primary");
        assertThat(cuts).noneMatch(c -> c.contains("witness"));
    }

    @Test
    void oneWayLossCutsOneDirectionOnlyAndNamesHowPacketsAreRefused() {
        Nemesis n = Nemesis.oneWay("primary", "standby", Nemesis.Drop.PROHIBIT);
        assertThat(n.cuts()).containsExactly("primary->standby");
        assertThat(n.name()).isEqualTo("one-way(primary->standby, prohibit)");
    }

    @Test
    void aFlapNamesItsRhythmAndCutsWhatAPartitionOfThatPlaceCuts() {
        Nemesis.Flap flap = Nemesis.flap("primary", java.time.Duration.ofMillis(1500), java.time.Duration.ofSeconds(2), 3);
        assertThat(flap.name()).isEqualTo("flap(primary, down 1500 ms / up 2000 ms x3)");
        assertThat(flap.cuts()).isEqualTo(Nemesis.partition("primary").cuts());
        assertThat(flap.isDown()).as("nothing happens before it is injected").isFalse();
    }

    @Test
    void theCatalogueHasUniqueNamesCoveringEveryPlace() {
        Set<String> names = new HashSet<>();
        Set<String> places = new HashSet<>();
        for (Nemesis n : Nemesis.catalogue()) {
            assertThat(names.add(n.name())).as("duplicate %s", n.name()).isTrue();
            n.cuts().forEach(c -> places.addAll(Set.of(c.split("->"))));
        }
        assertThat(places).containsExactlyInAnyOrderElementsOf(Topology.PLACES);
    }

    @Test
    void onlyTheDrillsOwnNamespacesAreEverRemovedAndWorldNamesStayShort() {
        assertThatThrownBy(() -> Netns.remove("cni-1234")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a drill namespace");
        assertThatThrownBy(() -> Topology.create("Has Spaces")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Netns.in("baton-drill-a-net", "ip", "link")).containsExactly("ip", "netns", "exec", "baton-drill-a-net", "ip", "link");
    }
}
