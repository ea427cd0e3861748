package dev.baton.drill.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chaos summary an operator reads: per-scenario counts, distributions, violations and false failovers. */
class ChaosSummaryTest {

    @Test
    void aggregatesPerScenarioAndCountsFailoversThatShouldNotHaveHappened() {
        ChaosSummary summary = new ChaosSummary();
        summary.add(1, "engine-crash", 11L, failover("3.00 s", "9.00 s", "0", "1", "0"), Duration.ofSeconds(20));
        summary.add(2, "engine-crash", 12L, failover("4.00 s", "12.00 s", "2", "2", "0"), Duration.ofSeconds(21));
        DrillReport linkCut = new DrillReport("link-cut-witness-sees-primary");
        linkCut.figure("failover operations", "1");
        linkCut.figure("broker violations", "0");
        linkCut.check("no false failover", false, "1 failover operation(s)");
        summary.add(3, "link-cut-witness-sees-primary", 13L, linkCut, Duration.ofSeconds(15));
        summary.error(4, "site-lost", 14L, "the world did not return to its baseline");

        String out = print(summary);

        assertThat(summary.allPassed()).isFalse();
        assertThat(out).contains("| `engine-crash` | 2 | 2 | 0 | 3.00 / 4.00 / 4.00 | 9.00 / 12.00 / 12.00 | 0 / 2 | 0 | 1 | 0 + 0 |");
        assertThat(out).contains("| `link-cut-witness-sees-primary` | 1 | 0 | 1 | - | - | - | 0 | 1 | 0 + 0 |");
        assertThat(out).contains("| `site-lost` | 1 | 0 | 1 | - | - | - | 0 | 0 | 0 + 0 |");
        assertThat(out).contains("| **all** | 4 | 2 | 2 |");
        assertThat(out).contains("FAIL no false failover: 1 failover operation(s)");
        assertThat(out).contains("ERROR the world did not return to its baseline");
    }

    @Test
    void brokerViolationsAreSummed() {
        ChaosSummary summary = new ChaosSummary();
        DrillReport r = failover("3.00 s", "9.00 s", "0", "1", "2");
        r.check("no double-active", false, "2 violations");
        summary.add(1, "recovered-primary", 1L, r, Duration.ofSeconds(10));

        assertThat(print(summary)).contains("| `recovered-primary` | 1 | 0 | 1 | 3.00 / 3.00 / 3.00 | 9.00 / 9.00 / 9.00 | 0 / 0 | 2 | 0 | 0 + 0 |");
    }

    @Test
    void eachRunIsOneJsonLineWithItsCommitStoreAndFigures(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("chaos/runs.jsonl");
        ChaosSummary summary = new ChaosSummary(file, "20d9164", "zookeeper");
        summary.add(1, "engine-crash", -42L, failover("3.00 s", "9.00 s", "0", "1", "0"), Duration.ofSeconds(20));
        summary.error(2, "site-lost", 7L, "the world did not return to its baseline");

        List<String> lines = java.nio.file.Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        var first = dev.baton.drill.Json.MAPPER.readTree(lines.get(0));
        assertThat(first.path("commit").asText()).isEqualTo("20d9164");
        assertThat(first.path("store").asText()).isEqualTo("zookeeper");
        assertThat(first.path("world").asText()).isEqualTo("loopback");
        assertThat(first.path("run").asInt()).isEqualTo(1);
        assertThat(first.path("seed").asLong()).isEqualTo(-42L);
        assertThat(first.path("passed").asBoolean()).isTrue();
        assertThat(first.path("rtoSeconds").asDouble()).isEqualTo(9.0);
        assertThat(first.path("brokerViolations").asInt()).isZero();
        var second = dev.baton.drill.Json.MAPPER.readTree(lines.get(1));
        assertThat(second.path("error").asBoolean()).isTrue();
        assertThat(second.path("note").asText()).isEqualTo("ERROR the world did not return to its baseline");
        assertThat(second.path("rtoSeconds").isNull()).isTrue();
    }

    @Test
    void aNamespaceRunOfSeveralFaultsCountsUnderEachWithTheCheckersOwnVerdicts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("netns.jsonl");
        ChaosSummary summary = new ChaosSummary(file, "abc1234", "zookeeper", "netns");
        DrillReport both = new DrillReport("partition(primary) + kill(state-sync)");
        both.figure("RTO (fault -> standby trading)", "7.50 s");
        both.figure("broker violations", "0");
        // one failover, and it was due: the checker says none was false (a loopback scenario would count by name)
        both.figure("failover operations", "1");
        both.figure("false failovers", "0");
        both.figure("epoch/term regressions", "0");
        both.figure("state regressions", "1");
        both.check("no site's state goes backwards within an epoch", false, "standby's state went back");
        summary.add(1, "partition(primary) + kill(state-sync)", 5L, both, Duration.ofSeconds(40));
        DrillReport alone = new DrillReport("kill(state-sync)");
        alone.figure("broker violations", "0");
        alone.figure("failover operations", "1");
        alone.figure("false failovers", "1");
        alone.check("no failover while a quorum could see the active site UP", false, "1 failover(s), 1 false");
        summary.add(2, "kill(state-sync)", 6L, alone, Duration.ofSeconds(30));

        String out = print(summary);

        assertThat(out).contains("| `partition(primary)` | 1 | 0 | 1 | - | 7.50 / 7.50 / 7.50 | - | 0 | 0 | 0 + 1 |");
        assertThat(out).contains("| `kill(state-sync)` | 2 | 0 | 2 | - | 7.50 / 7.50 / 7.50 | - | 0 | 1 | 0 + 1 |");
        assertThat(out).contains("| **all** | 2 | 0 | 2 |");
        var first = dev.baton.drill.Json.MAPPER.readTree(java.nio.file.Files.readAllLines(file).get(0));
        assertThat(first.path("world").asText()).isEqualTo("netns");
        assertThat(first.path("stateRegressions").asInt()).isEqualTo(1);
        assertThat(first.path("rtoSeconds").asDouble()).isEqualTo(7.5);
    }

    @Test
    void campaignsOfSeveralSittingsMakeOneTable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path first = dir.resolve("a.jsonl");
        java.nio.file.Path second = dir.resolve("b.jsonl");
        ChaosSummary a = new ChaosSummary(first, "abc1234", "zookeeper", "netns");
        a.add(1, "kill(engine)", 1L, failover("3.00 s", "7.00 s", "0", "1", "0"), Duration.ofSeconds(20));
        ChaosSummary b = new ChaosSummary(second, "abc1234", "zookeeper", "netns");
        b.add(1, "kill(engine) + partition(witness)", 2L, failover("4.00 s", "9.00 s", "0", "1", "0"), Duration.ofSeconds(30));
        b.error(2, "partition(witness)", 3L, "the world did not return to its baseline");

        String out = print(ChaosSummary.of(List.of(first, second)));

        assertThat(out).contains("| `kill(engine)` | 2 | 2 | 0 | 3.00 / 4.00 / 4.00 | 7.00 / 9.00 / 9.00 | 0 / 0 | 0 | 0 | 0 + 0 |");
        assertThat(out).contains("| `partition(witness)` | 2 | 1 | 1 |");
        assertThat(out).contains("| **all** | 3 | 2 | 1 |");
        assertThat(out).contains("ERROR the world did not return to its baseline");
    }

    @Test
    void nearestRankPercentiles() {
        List<Double> hundred = java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList();
        assertThat(ChaosSummary.pct(hundred, 50)).isEqualTo(50.0);
        assertThat(ChaosSummary.pct(hundred, 99)).isEqualTo(99.0);
        assertThat(ChaosSummary.pct(List.of(7.0), 99)).isEqualTo(7.0);
        assertThat(ChaosSummary.seconds("3.08 s")).isEqualTo(3.08);
        assertThat(ChaosSummary.seconds("n/a")).isNull();
    }

    @Test
    void theDatabaseWorldsFiguresAreKeptInTheJsonLinesAndTabledPerScenario(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("database.jsonl");
        ChaosSummary written = new ChaosSummary(file, "abc1234", "zookeeper");
        written.add(1, "db-host-loss-lagging", 1L, database("8", "2.06 s", "10.40 s", "rewound (pg_rewind)"), Duration.ofSeconds(90));
        written.add(2, "db-host-loss-lagging", 2L, database("12", "2.40 s", "9.10 s", "rewound (pg_rewind)"), Duration.ofSeconds(90));
        written.add(3, "db-old-primary-up", 3L, database("0", "0.00 s", null, "no rewind required"), Duration.ofSeconds(80));
        written.add(4, "engine-crash", 4L, failover("3.00 s", "9.00 s", "0", "1", "0"), Duration.ofSeconds(20));

        String out = print(ChaosSummary.of(List.of(file)));

        assertThat(dev.baton.drill.Json.MAPPER.readTree(java.nio.file.Files.readAllLines(file).get(0)).path("figures")
                .path("database RPO (rows)").asText()).isEqualTo("8");
        assertThat(out).contains("| `db-host-loss-lagging` | 2 | 2 | 8 / 12 | 2.06 / 2.40 | 9.10 / 10.40 | 0.35 / 0.35 | 12.50 / 12.50 | 4.41 / 4.41 | 2 of 2 "
                + "| 28.21 / 28.21 | 0 | 0 | 0 |");
        assertThat(out).contains("| `db-old-primary-up` | 1 | 1 | 0 / 0 | 0.00 / 0.00 | - | 0.35 / 0.35 | 12.50 / 12.50 | 4.41 / 4.41 | 0 of 1 |");
        assertThat(out).doesNotContain("| `engine-crash` | 1 | 1 | -");
    }

    private static DrillReport database(String rows, String seconds, String bound, String rejoin) {
        DrillReport r = failover("3.00 s", "15.00 s", "0", "1", "0");
        r.figure("database RPO (rows)", rows);
        r.figure("database RPO (seconds)", seconds);
        if (bound != null) {
            r.figure("database RPO recorded by Baton (bound)", bound);
        }
        r.figure("promotion (pg-promote)", "0.35 s");
        r.figure("database RTO (fault -> first order on the new primary)", "12.50 s");
        r.figure("failback rejoin (pg-rejoin)", "4.41 s");
        r.figure("failback rejoin kind", rejoin);
        r.figure("failback (request -> engine + DNS)", "28.21 s");
        r.figure("failback database RPO (rows)", "0");
        r.figure("Redis RPO (entries)", "0");
        return r;
    }

    private static DrillReport failover(String detection, String rto, String rpo, String failovers, String violations) {
        DrillReport r = new DrillReport("x");
        r.figure("detection (fault -> decision)", detection);
        r.figure("RTO (fault -> engine + DNS)", rto);
        r.figure("RPO (state records lost)", rpo);
        r.figure("failover operations", failovers);
        r.figure("broker violations", violations);
        return r;
    }

    private static String print(ChaosSummary summary) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        summary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aParallelCampaignsTableHasTheRunsItsWorkersAppendedInTheirCampaignOrder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("parallel.jsonl");
        // an earlier sitting in the same file is not this campaign's
        new ChaosSummary(file, "0000001", "zookeeper", "netns").error(1, "kill(engine)", 1L, "an earlier sitting");
        long from = java.nio.file.Files.size(file);
        // two workers (runs 1, 3 and 2, 4) appending as their runs end
        ChaosSummary first = new ChaosSummary(file, "abc1234", "zookeeper", "netns");
        ChaosSummary second = new ChaosSummary(file, "abc1234", "zookeeper", "netns");
        second.add(2, "kill(leader)", 22L, failover("3.00 s", "9.00 s", "0", "1", "0"), Duration.ofSeconds(20));
        first.add(1, "kill(engine)", 11L, failover("3.00 s", "8.00 s", "0", "1", "0"), Duration.ofSeconds(20));
        second.error(4, "lose(witness)", 44L, "the world did not return to its baseline");
        first.add(3, "stop(engine)", 33L, failover("4.00 s", "10.00 s", "0", "1", "0"), Duration.ofSeconds(20));

        ChaosSummary merged = ChaosSummary.appended(file, from);
        String out = print(merged);

        assertThat(merged.allPassed()).isFalse();
        assertThat(out.lines().filter(l -> l.matches("\\d+ +.*")).map(l -> l.split(" +")[0] + " " + l.split(" +")[1]).toList())
                .containsExactly("1 kill(engine)", "2 kill(leader)", "3 stop(engine)", "4 lose(witness)");
        assertThat(out).contains("| **all** | 4 | 3 | 1 |").doesNotContain("an earlier sitting");
    }
}
