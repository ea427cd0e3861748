package dev.baton.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.drill.run.DrillReport;
import dev.baton.drill.run.DrillWorld;
import dev.baton.drill.run.FaultScenarios;
import dev.baton.drill.run.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI subset of the drill, on the five real services started from the jars this build just made: first the demo
 * ({@code ./drill.sh}: the primary's engine crashes, Baton fails over, an operator fails back, nothing lost), then
 * every fault scenario once, one after the other in the same world reset to its baseline between them (as the chaos
 * command runs them): a regression in fencing or the broker-session release (the standby logging in while the fenced
 * engine's session lives) fails CI instead of landing silently. About five minutes on 2 cores (docs/BENCHMARKS.md);
 * from the command line each is {@code DrillMain <scenario>}.
 */
class FaultScenariosDrillTest {

    @TempDir
    Path dir;

    @Test
    void everyInvariantHoldsInEveryScenario() throws Exception {
        Path repo = BuiltRepository.require();

        Map<String, List<String>> failed = new LinkedHashMap<>();
        DrillReport demo;
        try (DrillWorld world = DrillWorld.start(repo, dir, System.out)) {
            demo = Scenarios.engineCrashThenFailback(world, Duration.ofSeconds(120));
            demo.print(System.out);
            if (!demo.ok()) {
                failed.put("demo", demo.violations());
            }
            for (String scenario : FaultScenarios.NAMES) {
                world.reset(Duration.ofSeconds(180));
                DrillReport report = FaultScenarios.run(scenario, world, Duration.ofSeconds(120));
                report.print(System.out);
                if (!report.ok()) {
                    failed.put(scenario, report.violations());
                }
            }
        }

        assertThat(failed).as("invariant checks that failed, by scenario").isEmpty();
        assertThat(demo.figures().get("RPO (state records lost)")).isEqualTo("0");
        assertThat(demo.figures().get("RTO (fault -> engine + DNS)")).isNotEqualTo("n/a");
        assertThat(demo.figures().get("failback (request -> engine + DNS)")).isNotEqualTo("n/a");
    }
}
