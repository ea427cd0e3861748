package dev.baton.coordinator.support;

import dev.baton.common.testing.PostgresPair;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link AgainstTheWorld} with a real PostgreSQL primary and streaming replica as its two sites' databases (annotate
 * the test class with {@code @WithTestResource(PostgresPairResource.class)} too): every test starts from a fresh
 * pair, the primary site's database holding orders 1 to 50.
 */
public abstract class AgainstTheWorldsDatabases extends AgainstTheWorld {
    @PostgresPairResource.InjectPair
    protected PostgresPair pair;

    @BeforeEach
    void freshPair() throws Exception {
        pair.resetWithOrders(50);
    }
}
