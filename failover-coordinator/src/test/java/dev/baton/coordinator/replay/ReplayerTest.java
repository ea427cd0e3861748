package dev.baton.coordinator.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.VerdictReport;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay engine on recordings built here, verdict by verdict, so that what the policy must decide is known: the
 * exact failovers of each setting, the sweep's order, the Pareto front, and every kind of bad recording refused with
 * its line number and nothing reported.
 */
class ReplayerTest {
    static final long T0 = Instant.parse("2026-12-06T10:00:00Z").toEpochMilli();
    static final List<String> OBSERVERS = List.of("primary-side", "standby", "witness");
    /** Settings that make the timing exact: ticks every 500 ms, no windows, no cooldown. */
    static final Map<String, String> BASE = Map.of("tick", "500ms", "staleness", "5s", "cooldown", "0s", "maintenance-windows", "none",
            "confirmation", "2s");

    /**
     * Three observers report every 500 ms. The primary's engine is DOWN for all three from 10 s to 11.5 s (a blip the
     * labels say must not cause a failover), and from 20 s on (a fault that makes one due, labelled), for {@code
     * seconds} in all. The standby is UP throughout (its host).
     */
    static String recording(int seconds, boolean labels, boolean oneObserverOnly) {
        StringBuilder r = new StringBuilder(Recording.header(new Recording.Header(1, "coordinator-standby", "primary", "standby",
                Set.copyOf(OBSERVERS)))).append('\n');
        for (long t = 0; t <= seconds * 1000L; t += 500) {
            boolean down = t >= 10_000 && t < 11_500 || t >= 20_000;
            for (String o : OBSERVERS) {
                boolean sees = down && (!oneObserverOnly || o.equals("standby"));
                r.append(Recording.line(new Recording.Verdict(T0 + t + 5, report(o, T0 + t, sees)))).append('\n');
            }
        }
        if (labels) {
            r.append(Recording.line(new Recording.Label(T0 + 10_000, T0 + 11_500, "primary", false, "flap(primary)"))).append('\n');
            r.append(Recording.line(new Recording.Label(T0 + 20_000, 0, "primary", true, "kill(engine)"))).append('\n');
        }
        return r.toString();
    }

    static VerdictReport report(String observer, long at, boolean primaryDown) {
        HealthStatus p = primaryDown ? HealthStatus.DOWN : HealthStatus.UP;
        return new VerdictReport(observer, Instant.ofEpochMilli(at), Map.of(
                "primary", new SiteVerdict(p, null, List.of(check("primary-engine", p), check("primary-host", HealthStatus.UP))),
                "standby", new SiteVerdict(HealthStatus.UP, null, List.of(check("standby-host", HealthStatus.UP)))));
    }

    private static CheckResult check(String name, HealthStatus s) {
        return new CheckResult(name, "http", null, s, 0, 0, null, null, null);
    }

    private static Replayer.Report replay(String recording, List<Map<String, String>> candidates) throws Exception {
        return Replayer.replay(new BufferedReader(new StringReader(recording)), candidates, Duration.ofSeconds(30));
    }

    private static Map<String, String> with(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>(BASE);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aConfirmedOutageFailsOverAtTheExactTickTheConfirmationRunsOutAndAShorterBlipDoesNot() throws Exception {
        Replayer.Report report = replay(recording(40, true, false), List.of(with()));

        Replayer.Result r = report.results().get(0);
        assertThat(r.failovers()).hasSize(1);
        Replayer.Failover f = r.failovers().get(0);
        // DOWN since the report observed at 20.000 s (received 20.005 s); 2 s later, on the first tick at or after 22.005 s
        assertThat(f.at()).isEqualTo(Instant.ofEpochMilli(T0 + 22_005));
        assertThat(f.from()).isEqualTo("primary");
        assertThat(f.to()).isEqualTo("standby");
        assertThat(f.observersDown()).containsExactly("primary-side", "standby", "witness");
        assertThat(f.verdict()).isEqualTo(Replayer.Verdict.DUE);
        assertThat(f.detection()).isEqualTo(Duration.ofMillis(2_005));
        assertThat(r.falseFailovers()).isZero();
        assertThat(r.missed()).isZero();
        assertThat(report.totals().verdicts()).isEqualTo(81 * 3);
        assertThat(report.totals().checkVerdicts()).isEqualTo(81 * 3 * 3);
    }

    @Test
    void aShortConfirmationBuysAFalseFailoverOnTheBlipAndALongOneDetectsLater() throws Exception {
        Replayer.Report report = replay(recording(40, true, false), List.of(with("confirmation", "1s"), with("confirmation", "2s"),
                with("confirmation", "5s")));

        List<Replayer.Result> rs = report.results();
        // 1 s: the 1.5 s blip is long enough, and the failover moves the active site away before the real fault
        assertThat(rs.get(0).failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 11_005));
        assertThat(rs.get(0).falseFailovers()).isEqualTo(1);
        assertThat(rs.get(1).failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 22_005));
        assertThat(rs.get(2).failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 25_005));
        assertThat(rs.get(2).detection(50)).isEqualTo(Duration.ofMillis(5_005));
        assertThat(rs.get(0).missed()).isEqualTo(1);
        // 2 s catches the fault sooner than 5 s, neither fails over falsely: 2 s alone is on the front (1 s detects
        // nothing it should and pays a false failover)
        assertThat(ReplayTable.pareto(rs)).containsExactly(false, true, false);
    }

    @Test
    void withoutLabelsNothingIsJudgedAndFailoversAreComparedWithTheRecordedOnes() throws Exception {
        // the live coordinator's decision, where it happened in time: after the reports received up to 22.005 s
        List<String> lines = new ArrayList<>(List.of(recording(40, false, false).split("\n")));
        int at = 1 + 45 * 3;
        lines.add(at, Recording.line(new Recording.DecisionMade(T0 + 22_500, "PROCEED", "primary", "standby", "PROCEED")));
        Replayer.Report report = replay(String.join("\n", lines) + "\n", List.of(with(), with("quorum", "3", "confirmation", "10s")));

        Replayer.Result same = report.results().get(0);
        assertThat(same.judged()).isFalse();
        assertThat(same.failovers().get(0).verdict()).isEqualTo(Replayer.Verdict.UNJUDGED);
        assertThat(same.sameAsActual()).isEqualTo(1);
        assertThat(same.failovers().get(0).fromActual()).isEqualTo(Duration.ofMillis(-495));
        Replayer.Result slower = report.results().get(1);
        assertThat(slower.failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 30_005));
        assertThat(slower.sameAsActual()).isEqualTo(1);
        assertThat(slower.avoided()).isZero();
    }

    @Test
    void aQuorumOfTwoDoesNotFollowOneObserverAloneAndAQuorumOfOneDoes() throws Exception {
        Replayer.Report report = replay(recording(40, true, true), List.of(with(), with("quorum", "1")));

        assertThat(report.results().get(0).failovers()).isEmpty();
        assertThat(report.results().get(0).missed()).isEqualTo(1);
        // one observer is a quorum of one: the fault is caught; the 1.5 s blip is still shorter than the confirmation
        assertThat(report.results().get(1).failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 22_005));
        assertThat(report.results().get(1).falseFailovers()).isZero();
    }

    @Test
    void theSweepIsEveryCombinationInOrderFirstKeySlowest() {
        List<Map<String, String>> c = Sweep.candidates(Map.of("tick", "500ms"), "confirmation=1s..3s:1s,quorum=2,3");

        assertThat(c).extracting(m -> m.get("confirmation") + "/" + m.get("quorum"))
                .containsExactly("1s/2", "1s/3", "2s/2", "2s/3", "3s/2", "3s/3");
        assertThat(c).allMatch(m -> m.get("tick").equals("500ms"));
        assertThat(Sweep.values("confirmation", "500ms..2s:500ms")).containsExactly("500ms", "1s", "1500ms", "2s");
        assertThatThrownBy(() -> Sweep.candidates(Map.of(), "confirmations=1s")).hasMessageContaining("unknown setting \"confirmations\"");
        assertThatThrownBy(() -> Sweep.candidates(Map.of(), "confirmation=3s..1s:1s")).hasMessageContaining("FROM must not exceed TO");
    }

    @Test
    void theDefaultsAreTheCoordinatorsOwn() {
        assertThat(Candidate.defaultOf("policy.confirmation")).isEqualTo("30s");
        assertThat(Candidate.defaultOf("policy.daily-cap")).isEqualTo("5");
        assertThat(Candidate.defaultOf("observers.staleness")).isEqualTo("30s");
        assertThat(Candidate.defaultOf("tick")).isEqualTo("2s");
        Candidate c = Candidate.of(Map.of(), Set.copyOf(OBSERVERS));
        assertThat(c.settings().confirmation()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.settings().quorum()).isEqualTo(2);
        assertThat(c.label()).isEqualTo("defaults");
        assertThatThrownBy(() -> Candidate.of(Map.of("confirmation", "soon"), Set.copyOf(OBSERVERS)))
                .hasMessage("baton.coordinator.policy.confirmation: \"soon\" is not a duration (e.g. 30s, 5m)");
    }

    @Test
    void badRecordingsAreRefusedWithTheirLineNumberAndNothingIsReported(@TempDir Path dir) throws Exception {
        String good = recording(5, false, false);
        List<String> lines = List.of(good.split("\n"));
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("truncated", String.join("\n", lines.subList(0, 6)) + "\n" + lines.get(6).substring(0, 40) + "\n");
        bad.put("unknown observer", String.join("\n", lines.subList(0, 3)) + "\n" + lines.get(3).replace("\"o\":\"witness\"", "\"o\":\"intruder\"")
                + "\n");
        bad.put("backwards", String.join("\n", lines.subList(0, 8)) + "\n" + lines.get(2) + "\n");
        bad.put("version", lines.get(0).replace("\"version\":1", "\"version\":2") + "\n" + lines.get(1) + "\n");
        Map<String, String> expected = Map.of("truncated", "line 7: not JSON", "unknown observer", "line 4: unknown observer \"intruder\"",
                "backwards", "line 9: time goes backwards", "version", "line 1: schema version 2 is not supported");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            Path f = dir.resolve(b.getKey().replace(' ', '-') + ".jsonl");
            Files.writeString(f, b.getValue());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int code = ReplayMain.run(new String[] {f.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(code).as(b.getKey()).isEqualTo(2);
            assertThat(out.toString(StandardCharsets.UTF_8)).as(b.getKey() + ": no partial report").isEmpty();
            assertThat(err.toString(StandardCharsets.UTF_8)).as(b.getKey()).contains(f + ": " + expected.get(b.getKey()));
        }
    }

    @Test
    void theCommandPrintsATableAndWritesThePlot(@TempDir Path dir) throws Exception {
        Path rec = dir.resolve("r.jsonl.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(rec))) {
            out.write(recording(40, true, false).getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(rec.toString(), "--plot", dir.resolve("p.svg").toString(), "--sweep", "confirmation=1s,2s,5s"));
        BASE.forEach((k, v) -> {
            if (!k.equals("confirmation")) {
                args.addAll(List.of("--set", k + "=" + v));
            }
        });

        int code = ReplayMain.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text).contains("recording: 243 verdict reports (729 check verdicts)");
        assertThat(text).contains(" confirmation=2s | 1 | 0 of 0 | 1 | 0 | 0 | 0 | 2.0s / 2.0s | 2.0s | * |");
        assertThat(text).contains("FALSE FAILOVER");
        String svg = Files.readString(dir.resolve("p.svg"));
        assertThat(svg).startsWith("<svg").contains("confirmation=5s").contains("filled: Pareto front");
    }

    /** {@link #recording} with the header of a coordinator that ran with {@code settings}. */
    static String recordedWith(Map<String, String> settings) {
        String r = recording(60, true, false);
        String header = Recording.header(new Recording.Header(1, "coordinator-standby", "primary", "standby", Set.copyOf(OBSERVERS), settings));
        return header + r.substring(r.indexOf('\n'));
    }

    @Test
    void theHeaderKeepsTheLiveSettingsAndAReplayStartsFromThemUnlessToldTheShippedDefaults() throws Exception {
        Map<String, String> live = Map.of("tick", "500ms", "observers.staleness", "5000ms", "policy.cooldown", "0ms",
                "policy.maintenance-windows", "none", "policy.confirmation", "5000ms");
        String recording = recordedWith(live);
        assertThat(Recording.parseHeader(recording.substring(0, recording.indexOf('\n'))).settings()).isEqualTo(live);

        Replayer.Report asRecorded = Replayer.replay(new BufferedReader(new StringReader(recording)), List.of(Map.of(), Map.of("confirmation", "2s")),
                Duration.ofSeconds(30), true);
        // nothing given: the live 5 s; given: 2 s over the live rest
        assertThat(asRecorded.results().get(0).candidate().label()).isEqualTo("as recorded");
        assertThat(asRecorded.results().get(0).failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 25_005));
        assertThat(asRecorded.results().get(1).candidate().label()).isEqualTo("confirmation=2s");
        assertThat(asRecorded.results().get(1).failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 22_005));

        // the shipped defaults (confirmation 30 s) instead of the live settings, the timing keys given
        Replayer.Report shipped = Replayer.replay(new BufferedReader(new StringReader(recording)), List.of(Map.of("tick", "500ms", "staleness",
                "5s", "cooldown", "0s", "maintenance-windows", "none")), Duration.ofSeconds(30), false);
        assertThat(shipped.results().get(0).failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 50_005));
        assertThat(Candidate.defaultOf("policy.confirmation")).isEqualTo("30s");
    }

    @Test
    void aHeaderSettingThatIsNotTextIsRefusedWithItsLine() {
        String bad = "{\"schema\":\"baton-verdicts\",\"version\":1,\"primary\":\"primary\",\"standby\":\"standby\","
                + "\"observers\":\"witness\",\"settings\":{\"tick\":{\"ms\":500}}}\n";

        assertThatThrownBy(() -> replay(bad, List.of(Map.of()))).isInstanceOf(RecordingReader.BadRecording.class)
                .hasMessage("line 1: \"settings\".tick must be a text value");
    }

    @Test
    void aCorpusOfRecordingsIsReplayedOneByOneAndAddedUp(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("run-1.jsonl");
        Path two = dir.resolve("run-2.jsonl.gz");
        Files.writeString(one, recording(40, true, false));
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(two))) {
            // the second run: one observer alone sees the primary DOWN, which a quorum of two does not follow
            out.write(recording(40, true, true).getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(one.toString(), two.toString(), "--sweep", "quorum=1,2"));
        BASE.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));

        int code = ReplayMain.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text).contains("2 recordings: 486 verdict reports (1458 check verdicts)").contains(", 4 label(s)");
        // quorum 1: the fault in both runs (the lone observer's DOWN is enough), detected after 2 s each; quorum 2: the
        // first run's fault only, the second run's missed
        assertThat(row(text, "quorum=1")).endsWith(" | 2 | 0 of 0 | 2 | 0 | 0 | 0 | 2.0s / 2.0s | 2.0s | * |");
        assertThat(row(text, "quorum=2")).endsWith(" | 1 | 0 of 0 | 1 | 0 | 0 | 1 | 2.0s / 2.0s | 2.0s |  |");
    }

    private static String row(String table, String candidate) {
        return table.lines().filter(l -> l.startsWith("| ") && l.contains(" " + candidate + " |")).findFirst().orElseThrow();
    }

    @Test
    void aCoordinatorRestartedWithOtherSettingsIsReplayedWithThemFromThereOnUnlessACandidateSetsThem() throws Exception {
        Map<String, String> live = Map.of("tick", "500ms", "observers.staleness", "5000ms", "policy.cooldown", "0ms",
                "policy.maintenance-windows", "none", "policy.confirmation", "5000ms");
        Map<String, String> restarted = new java.util.HashMap<>(live);
        restarted.put("policy.confirmation", "2000ms");
        List<String> lines = new ArrayList<>(List.of(recordedWith(live).split("\n")));
        // restarted with a 2 s confirmation just before the fault (after the reports of 15 s)
        lines.add(1 + 31 * 3, Recording.header(new Recording.Header(1, "coordinator-standby", "primary", "standby", Set.copyOf(OBSERVERS),
                restarted)));
        String recording = String.join("\n", lines) + "\n";

        Replayer.Report report = Replayer.replay(new BufferedReader(new StringReader(recording)), List.of(Map.of(), Map.of("confirmation", "5s")),
                Duration.ofSeconds(30), true);

        assertThat(report.results().get(0).candidate().label()).isEqualTo("as recorded");
        assertThat(report.results().get(0).failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 22_005));
        assertThat(report.results().get(1).failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 25_005));
    }

    @Test
    void repeatedSitesAreParsedOnceYetEachLineKeepsItsOwnObserverAndTimesAndALineWrittenByHandIsReadWhole() throws Exception {
        String header = Recording.header(new Recording.Header(1, "c", "primary", "standby", Set.copyOf(OBSERVERS)));
        String first = Recording.line(new Recording.Verdict(T0 + 5, report("witness", T0, false)));
        String same = Recording.line(new Recording.Verdict(T0 + 505, report("standby", T0 + 500, false)));
        String down = Recording.line(new Recording.Verdict(T0 + 1005, report("witness", T0 + 1000, true)));
        // the same sites as the first line, but "s" before "o" and "a", and something after it
        String byHand = "{\"t\":\"v\",\"r\":" + (T0 + 1505) + first.substring(first.indexOf(",\"s\":"), first.length() - 1)
                + ",\"o\":\"primary-side\",\"a\":" + (T0 + 1500) + ",\"x\":{\"y\":1}}";

        List<Recording.Verdict> read = new ArrayList<>();
        try (RecordingReader in = new RecordingReader(new BufferedReader(new StringReader(String.join("\n", header, first, same, down, byHand))))) {
            for (Recording.Entry e = in.next(); e != null; e = in.next()) {
                read.add((Recording.Verdict) e);
            }
        }

        assertThat(read).extracting(v -> v.report().observer()).containsExactly("witness", "standby", "witness", "primary-side");
        assertThat(read).extracting(Recording.Verdict::at).containsExactly(T0 + 5, T0 + 505, T0 + 1005, T0 + 1505);
        assertThat(read).extracting(v -> v.report().observedAt().toEpochMilli()).containsExactly(T0, T0 + 500, T0 + 1000, T0 + 1500);
        assertThat(read.get(1).report().sites()).isSameAs(read.get(0).report().sites());
        assertThat(read.get(2).report().sites().get("primary").status()).isEqualTo(HealthStatus.DOWN);
        assertThat(read.get(3).report().sites()).isEqualTo(read.get(0).report().sites());
    }

    @Test
    void aRecordingThatEndsBetweenTwoTicksIsDecidedOnceMoreAtItsEnd() throws Exception {
        // ticks every second from the first entry (0.505 s); the primary DOWN from 20 s, so a 2 s confirmation holds
        // from 22 s, but the next tick (22.505 s) is after the recording's end: the live coordinator, ticking in its
        // own phase, decided at 22.1 s, its decision the recording's last entry
        StringBuilder r = new StringBuilder(Recording.header(new Recording.Header(1, "c", "primary", "standby", Set.copyOf(OBSERVERS))))
                .append('\n');
        for (long t = 0; t <= 21_500; t += 500) {
            for (String o : OBSERVERS) {
                r.append(Recording.line(new Recording.Verdict(T0 + t + 505, report(o, T0 + t, t >= 20_000)))).append('\n');
            }
        }
        r.append(Recording.line(new Recording.DecisionMade(T0 + 22_100, "PROCEED", "primary", "standby", "PROCEED"))).append('\n');

        Replayer.Result result = replay(r.toString(), List.of(with("tick", "1s"))).results().get(0);

        assertThat(result.failovers()).extracting(Replayer.Failover::at).containsExactly(Instant.ofEpochMilli(T0 + 22_100));
        assertThat(result.sameAsActual()).isEqualTo(1);
    }
}
