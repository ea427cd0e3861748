package dev.baton.coordinator.support;

import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.InjectPostgres;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.runbook.RunbookExecutor;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@code @QuarkusTest} against the {@link World} (annotate the test class with
 * {@code @WithTestResource(EmbeddedPostgresResource.class)} and {@code @WithTestResource(WorldResource.class)}):
 * every test starts from "primary active, epoch 0" and ends by checking the emulators' timelines for two engines.
 */
public abstract class AgainstTheWorld {
    @InjectWorld
    protected World world;

    @InjectPostgres
    protected EmbeddedPostgresServer pg;

    @Inject
    protected RunbookExecutor executor;

    @Inject
    protected VerdictBook verdictBook;

    @BeforeEach
    void resetTheWorld() throws Exception {
        CoordinatorTestSupport.reset(world, pg, executor, verdictBook);
    }

    @AfterEach
    void neverTwoEngines() {
        world.assertNeverTwoEngines();
    }
}
