package dev.baton.coordinator.policy;

import static dev.baton.coordinator.policy.Decision.Action.NONE;
import static dev.baton.coordinator.policy.Decision.Action.PROCEED;
import static dev.baton.coordinator.policy.Decision.Action.REFUSED;
import static dev.baton.coordinator.policy.Decision.Action.REMEDIATE;
import static dev.baton.coordinator.policy.Decision.Action.WAIT;
import static dev.baton.coordinator.policy.FailoverPolicy.ACTIVE_DOWN;
import static dev.baton.coordinator.policy.FailoverPolicy.AUTOMATIC;
import static dev.baton.coordinator.policy.FailoverPolicy.COOLDOWN;
import static dev.baton.coordinator.policy.FailoverPolicy.DAILY_CAP;
import static dev.baton.coordinator.policy.FailoverPolicy.NOT_FROZEN;
import static dev.baton.coordinator.policy.FailoverPolicy.STATE;
import static dev.baton.coordinator.policy.FailoverPolicy.TARGET_FRESH;
import static dev.baton.coordinator.policy.FailoverPolicy.TARGET_UP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden table of the failover policy: each row is a situation a team has lived through (several are
 * the bugs of the seeds' scripts), the action the policy must take and the conditions it must name as
 * not holding. The policy is pure, so each row is just input and expected output.
 */
class FailoverPolicyTest {

    /** A Tuesday, 10:00 UTC: no maintenance window anywhere near. */
    private static final Instant TUE_10 = Instant.parse("2026-11-24T10:00:00Z");

    private final FailoverPolicy policy = new FailoverPolicy();

    static Stream<Arguments> automatic() {
        return Stream.of(
                row("all observers see the primary UP: nothing to do", s(), NONE),
                row("primary DOWN by all observers for 60s: fail over", s().down(60), PROCEED),
                row("seed bug: the failover must not need a healthy primary (primary unreachable, SSH down)",
                        s().down(600), PROCEED),
                row("primary DOWN for 10s of 30s confirmation: wait", s().down(10), WAIT),
                row("one broken network path: 1 of 3 observers sees DOWN", s().obs("a", 5, HealthStatus.DOWN, 120), NONE),
                row("2 of 3 observers see DOWN for 60s: quorum", s().obs("a", 5, HealthStatus.DOWN, 60).obs("b", 5, HealthStatus.DOWN, 60), PROCEED),
                row("2 see DOWN but one of them is stale: it abstains, no quorum",
                        s().obs("a", 5, HealthStatus.DOWN, 60).obs("b", 45, HealthStatus.DOWN, 60), NONE),
                row("all 3 see DOWN but two are stale: no quorum",
                        s().obs("a", 5, HealthStatus.DOWN, 60).obs("b", 45, HealthStatus.DOWN, 60).obs("c", 90, HealthStatus.DOWN, 60), NONE),
                row("a report exactly at the staleness limit still counts",
                        s().obs("a", 30, HealthStatus.DOWN, 60).obs("b", 5, HealthStatus.DOWN, 60), PROCEED),
                row("every observer stale: nobody can call it", s().down(60).allStale(), NONE),
                row("an observer that never reported abstains; the other two are a quorum",
                        s().silent("c").obs("a", 5, HealthStatus.DOWN, 60).obs("b", 5, HealthStatus.DOWN, 60), PROCEED),
                row("quorum 3 configured, only 2 see DOWN", s().quorum(3).obs("a", 5, HealthStatus.DOWN, 60).obs("b", 5, HealthStatus.DOWN, 60), NONE),
                row("UNKNOWN is not DOWN: 1 DOWN and 2 UNKNOWN",
                        s().obs("a", 5, HealthStatus.DOWN, 60).obs("b", 5, HealthStatus.UNKNOWN, 60).obs("c", 5, HealthStatus.UNKNOWN, 60), NONE),
                row("flapping: the quorum's second DOWN is only 5s old", s().obs("a", 5, HealthStatus.DOWN, 120).obs("b", 5, HealthStatus.DOWN, 5), WAIT),
                row("flapping: verdicts flipped back to DOWN 10s ago", s().down(10), WAIT),
                row("frozen: refused and says so", s().down(60).frozen(null), REFUSED, NOT_FROZEN),
                row("freeze that expired a minute ago no longer holds", s().down(60).frozen(TUE_10.minusSeconds(60)), PROCEED),
                row("freeze until later", s().down(60).frozen(TUE_10.plusSeconds(600)), REFUSED, NOT_FROZEN),
                row("IBKR daily window 22:05 UTC: failures do not count",
                        s().at("2026-11-24T22:05:00Z").down(900), NONE),
                row("down since 22:05 (in window), now 22:15:20: only 20s count",
                        s().at("2026-11-24T22:15:20Z").down(620), WAIT),
                row("down since 22:05 (in window), now 22:16: 60s after the window, go",
                        s().at("2026-11-24T22:16:00Z").down(660), PROCEED),
                row("IBKR weekly window Sunday 23:50 UTC", s().at("2026-11-29T23:50:00Z").down(600), NONE),
                row("IBKR weekly window crosses midnight: Monday 00:30 UTC still inside",
                        s().at("2026-11-30T00:30:00Z").down(3600), NONE),
                row("Monday 00:45:10, down since Sunday 23:30: only 10s after the window count",
                        s().at("2026-11-30T00:45:10Z").down(4510), WAIT),
                row("Monday 00:46, down since Sunday 23:30: 60s after the window, go",
                        s().at("2026-11-30T00:46:00Z").down(4560), PROCEED),
                row("Saturday 23:50 UTC is not the weekly window", s().at("2026-11-28T23:50:00Z").down(60), PROCEED),
                row("New York 17:00 window in summer (EDT) is 21:00 UTC",
                        s().windows("daily 17:00 15m America/New_York").at("2026-07-15T21:05:00Z").down(600), NONE),
                row("New York 17:00 window in winter (EST) is 22:00 UTC: 21:05 UTC is outside",
                        s().windows("daily 17:00 15m America/New_York").at("2026-01-15T21:05:00Z").down(60), PROCEED),
                row("New York 17:00 window in winter: 22:05 UTC is inside",
                        s().windows("daily 17:00 15m America/New_York").at("2026-01-15T22:05:00Z").down(600), NONE),
                row("DST starts in New York that morning: 17:00 EDT = 21:00 UTC",
                        s().windows("daily 17:00 15m America/New_York").at("2026-03-08T21:05:00Z").down(600), NONE),
                row("DST start day: 22:05 UTC is after the (moved) window",
                        s().windows("daily 17:00 15m America/New_York").at("2026-03-08T22:05:00Z").down(60), PROCEED),
                row("window starting in the DST gap (02:30 Berlin on 29 March) moves to 03:30 CEST = 01:30 UTC",
                        s().windows("SUN 02:30 60m Europe/Berlin").at("2026-03-29T01:35:00Z").down(600), NONE),
                row("no windows configured: 22:05 UTC counts", s().windows("none").at("2026-11-24T22:05:00Z").down(60), PROCEED),
                row("cooldown: last operation ended 2 minutes ago", s().down(60).lastEnd(120), REFUSED, COOLDOWN),
                row("cooldown elapsed: last operation ended 6 minutes ago", s().down(60).lastEnd(360), PROCEED),
                row("cooldown across a restart: the stored end time still counts", s().down(60).lastEnd(60), REFUSED, COOLDOWN),
                row("seed bug: a refused failover must not wedge automatic failover (cooldown now over)",
                        s().down(900).lastEnd(301), PROCEED),
                row("daily cap: 5 failovers in the last 24 h", s().down(60).failoversAgo(1, 2, 3, 4, 5), REFUSED, DAILY_CAP),
                row("seed bug: the cap is a ROLLING 24 h, not a lifetime counter (oldest of 5 was 25 h ago)",
                        s().down(60).failoversAgo(1, 2, 3, 4, 25), PROCEED),
                row("seed bug: 100 failovers last month do not block today",
                        s().down(60).failoversAgo(java.util.stream.IntStream.rangeClosed(100, 199).toArray()), PROCEED),
                row("cap across a restart: counted from stored history", s().down(60).failoversAgo(23, 22, 21, 20, 19), REFUSED, DAILY_CAP),
                row("standby DOWN: never fail over onto a dead site", s().down(60).standby(HealthStatus.DOWN), REFUSED, TARGET_UP),
                row("standby UNKNOWN", s().down(60).standby(HealthStatus.UNKNOWN), REFUSED, TARGET_UP),
                row("standby UP by only 1 of 3", s().down(60).standby(HealthStatus.DOWN).standbyBy("a", HealthStatus.UP), REFUSED, TARGET_UP),
                row("standby's state 20 min old (limit 15)", s().down(60).syncedAgo(1200), REFUSED, TARGET_FRESH),
                row("standby never synced", s().down(60).neverSynced(), REFUSED, TARGET_FRESH),
                row("standby not required UP by config", s().down(60).standby(HealthStatus.DOWN).noStandbyCheck(), PROCEED),
                row("DEGRADED: automatic actions wait for an operator", s().down(60).state(FailoverState.DEGRADED), REFUSED, STATE),
                row("an operation is already running", s().down(60).running(), REFUSED, STATE),
                row("standby active and DOWN, failback is manual by default",
                        s().standbyActive().downOn("standby", 60), REFUSED, STATE),
                row("standby active and DOWN, automatic failback configured",
                        s().standbyActive().downOn("standby", 60).autoFailback(), PROCEED),
                row("automatic failover switched off", s().down(60).manualOnly(), REFUSED, AUTOMATIC),
                row("remediation ladder: restart the engine first", s().down(60).remediation(null), REMEDIATE),
                row("remediation tried 10s ago, 60s grace: wait", s().down(60).remediation(10), WAIT),
                row("remediation tried 70s ago and still down: fail over", s().down(120).remediation(70), PROCEED),
                row("remediation from an earlier outage does not count", s().down(60).remediation(3600), REMEDIATE),
                row("frozen, in cooldown and over the cap: every reason is listed",
                        s().down(60).frozen(null).lastEnd(10).failoversAgo(1, 2, 3, 4, 5), REFUSED, NOT_FROZEN, COOLDOWN, DAILY_CAP));
    }

    static Stream<Arguments> manual() {
        return Stream.of(
                mrow("planned failover of a healthy primary (seed: dry run then real)", s(), false, false, PROCEED),
                mrow("manual failover while frozen: freeze only stops automatic failover", s().frozen(null), false, false, PROCEED),
                mrow("manual failover inside a maintenance window", s().at("2026-11-24T22:05:00Z"), false, false, PROCEED),
                mrow("manual failover in cooldown", s().lastEnd(60), false, false, REFUSED, COOLDOWN),
                mrow("force skips cooldown", s().lastEnd(60), true, false, PROCEED),
                mrow("force skips the daily cap", s().failoversAgo(1, 2, 3, 4, 5), true, false, PROCEED),
                mrow("force never skips target health", s().standby(HealthStatus.DOWN), true, false, REFUSED, TARGET_UP),
                mrow("failover when the standby is already active", s().standbyActive(), false, false, REFUSED, STATE),
                mrow("failback from STANDBY_ACTIVE", s().standbyActive(), false, true, PROCEED),
                mrow("failback does not need the primary's copy fresh: it re-syncs first", s().standbyActive().neverSynced(), false, true, PROCEED),
                mrow("failback while the primary is active", s(), false, true, REFUSED, STATE),
                mrow("operator acts on DEGRADED", s().state(FailoverState.DEGRADED), false, false, PROCEED),
                mrow("a second operation while one runs", s().running(), true, false, REFUSED, STATE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("automatic")
    void decidesAutomaticFailover(String name, Scenario scenario, Decision.Action action, Set<String> unmet) {
        Decision d = policy.decideAutomatic(scenario.input());
        assertThat(d.action()).as(d.summary()).isEqualTo(action);
        assertThat(d.unmet().stream().map(Condition::name)).as(d.summary()).containsAll(unmet);
        if (action == PROCEED) {
            assertThat(d.unmet()).as(d.summary()).isEmpty();
        }
        // the decision always explains every condition, whatever the action
        assertThat(d.conditions().stream().map(Condition::name)).contains(STATE, ACTIVE_DOWN, NOT_FROZEN, COOLDOWN, DAILY_CAP, TARGET_UP);
        assertThat(d.conditions()).allSatisfy(c -> assertThat(c.detail()).isNotBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manual")
    void decidesManualOperations(String name, Scenario scenario, boolean force, boolean failback, Decision.Action action, Set<String> unmet) {
        Decision d = policy.decideManual(scenario.input(), force, failback);
        assertThat(d.action()).as(d.summary()).isEqualTo(action);
        assertThat(d.unmet().stream().map(Condition::name)).as(d.summary()).containsAll(unmet);
        if (action == PROCEED) {
            assertThat(d.unmet()).as(d.summary()).isEmpty();
        }
    }

    private static Arguments row(String name, Scenario s, Decision.Action action, String... unmet) {
        return Arguments.of(name, s, action, new LinkedHashSet<>(List.of(unmet)));
    }

    private static Arguments mrow(String name, Scenario s, boolean force, boolean failback, Decision.Action action, String... unmet) {
        return Arguments.of(name, s, force, failback, action, new LinkedHashSet<>(List.of(unmet)));
    }

    private static Scenario s() {
        return new Scenario();
    }

    /** A test-only builder: three observers a, b, c all fresh, everything healthy, standby synced a minute ago. */
    static final class Scenario {
        private Instant now = TUE_10;
        private FailoverState state = FailoverState.PRIMARY_ACTIVE;
        private boolean standbyActive;
        private boolean frozen;
        private Instant frozenUntil;
        private boolean running;
        private final Map<String, Obs> obs = new HashMap<>();
        private final List<Long> failoversAgoHours = new ArrayList<>();
        private Long lastEndAgo;
        private Long syncedAgo = 60L;
        private Long remediatedAgo;
        private boolean remediation;
        private int quorum = 2;
        private String windows = MaintenanceWindow.IBKR;
        private boolean requireStandbyUp = true;
        private boolean automatic = true;
        private boolean autoFailback;
        private boolean allStale;

        Scenario() {
            for (String n : List.of("a", "b", "c")) {
                obs.put(n, new Obs(5, new HashMap<>(Map.of("primary", HealthStatus.UP, "standby", HealthStatus.UP)), new HashMap<>()));
            }
        }

        record Obs(long ageSeconds, Map<String, HealthStatus> status, Map<String, Long> sinceAgo) {
        }

        Scenario at(String instant) {
            now = Instant.parse(instant);
            return this;
        }

        Scenario obs(String name, long age, HealthStatus primary, long sinceAgo) {
            Obs o = obs.get(name);
            Obs n = new Obs(age, o.status(), o.sinceAgo());
            n.status().put("primary", primary);
            n.sinceAgo().put("primary", sinceAgo);
            obs.put(name, n);
            return this;
        }

        Scenario down(long sinceAgo) {
            return downOn("primary", sinceAgo);
        }

        Scenario downOn(String site, long sinceAgo) {
            obs.values().forEach(o -> {
                o.status().put(site, HealthStatus.DOWN);
                o.sinceAgo().put(site, sinceAgo);
            });
            return this;
        }

        Scenario standby(HealthStatus status) {
            obs.values().forEach(o -> o.status().put("standby", status));
            return this;
        }

        Scenario standbyBy(String name, HealthStatus status) {
            obs.get(name).status().put("standby", status);
            return this;
        }

        Scenario silent(String name) {
            obs.remove(name);
            return this;
        }

        Scenario allStale() {
            allStale = true;
            return this;
        }

        Scenario quorum(int q) {
            quorum = q;
            return this;
        }

        Scenario frozen(Instant until) {
            frozen = true;
            frozenUntil = until;
            return this;
        }

        Scenario windows(String spec) {
            windows = spec;
            return this;
        }

        Scenario lastEnd(long secondsAgo) {
            lastEndAgo = secondsAgo;
            return this;
        }

        Scenario failoversAgo(int... hours) {
            for (int h : hours) {
                failoversAgoHours.add((long) h);
            }
            return this;
        }

        Scenario syncedAgo(long seconds) {
            syncedAgo = seconds;
            return this;
        }

        Scenario neverSynced() {
            syncedAgo = null;
            return this;
        }

        Scenario noStandbyCheck() {
            requireStandbyUp = false;
            return this;
        }

        Scenario state(FailoverState s) {
            state = s;
            return this;
        }

        Scenario running() {
            running = true;
            state = FailoverState.FAILING_OVER;
            return this;
        }

        Scenario standbyActive() {
            standbyActive = true;
            state = FailoverState.STANDBY_ACTIVE;
            return this;
        }

        Scenario autoFailback() {
            autoFailback = true;
            return this;
        }

        Scenario manualOnly() {
            automatic = false;
            return this;
        }

        Scenario remediation(Integer secondsAgo) {
            remediation = true;
            remediatedAgo = secondsAgo == null ? null : secondsAgo.longValue();
            return this;
        }

        PolicyInput input() {
            Map<String, ObserverView> views = new HashMap<>();
            obs.forEach((name, o) -> {
                Map<String, ObserverView.SiteView> sites = new HashMap<>();
                o.status().forEach((site, st) -> sites.put(site, new ObserverView.SiteView(st,
                        now.minusSeconds(o.sinceAgo().getOrDefault(site, 3600L)))));
                views.put(name, new ObserverView(name, now.minusSeconds(allStale ? 3600 : o.ageSeconds()), sites));
            });
            PolicySettings settings = new PolicySettings(Set.of("a", "b", "c"), quorum, Duration.ofSeconds(30),
                    Duration.ofSeconds(30), Duration.ofMinutes(5), 5, requireStandbyUp, Duration.ofMinutes(15),
                    MaintenanceWindow.parseAll(windows), automatic, autoFailback, remediation, Duration.ofSeconds(60));
            return new PolicyInput(now, state, standbyActive ? "standby" : "primary", standbyActive ? "primary" : "standby",
                    !standbyActive, frozen, frozenUntil, running, views,
                    failoversAgoHours.stream().map(h -> now.minus(Duration.ofHours(h)).plusSeconds(1)).toList(),
                    lastEndAgo == null ? null : now.minusSeconds(lastEndAgo),
                    syncedAgo == null ? null : now.minusSeconds(syncedAgo),
                    remediatedAgo == null ? null : now.minusSeconds(remediatedAgo), settings);
        }

        @Override
        public String toString() {
            return "scenario at " + now;
        }
    }
}
