package dev.baton.coordinator;

import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.ServiceContract;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The service boots and keeps the contract every Baton service has ({@link ServiceContract}). */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class ServiceBootTest extends ServiceContract {

    @Override
    protected String openApiTitle() {
        return "Baton failover-coordinator";
    }
}
