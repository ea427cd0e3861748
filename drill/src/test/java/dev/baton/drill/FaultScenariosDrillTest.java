package dev.baton.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.drill.run.DrillReport;
import dev.baton.drill.run.DrillWorld;
import dev.baton.drill.run.FaultScenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI subset of the drill, on the five real services started from the jars this build just made: every fault
 * scenario once, one after the other in one world reset to its baseline between them (as the chaos command runs
 * them), each reset failing back through the operator API as {@code ./drill.sh}'s demo does after its engine crash:
 * a regression in fencing or the broker-session release (the standby logging in while the fenced engine's session
 * lives) fails CI instead of landing silently. About five minutes on 2 cores (docs/BENCHMARKS.md); from the command
 * line each is {@code DrillMain <scenario>}, the demo {@code DrillMain demo}.
 */
class FaultScenariosDrillTest {

    @TempDir
    Path dir;

    @Test
    void everyInvariantHoldsInEveryScenario() throws Exception {
        Path repo = BuiltRepository.require();

        Map<String, List<String>> failed = new LinkedHashMap<>();
        try (DrillWorld world = DrillWorld.start(repo, dir, System.out)) {
            boolean first = true;
            for (String scenario : FaultScenarios.NAMES) {
                if (!first) {
                    world.reset(Duration.ofSeconds(180));
                }
                first = false;
                DrillReport report = FaultScenarios.run(scenario, world, Duration.ofSeconds(120));
                report.print(System.out);
                if (!report.ok()) {
                    failed.put(scenario, report.violations());
                }
            }
        }

        assertThat(failed).as("invariant checks that failed, by scenario").isEmpty();
    }
}
