package dev.baton.statesync;

import dev.baton.common.testing.ServiceContract;
import io.quarkus.test.junit.QuarkusTest;

/** The service boots and keeps the contract every Baton service has ({@link ServiceContract}). */
@QuarkusTest
class ServiceBootTest extends ServiceContract {

    @Override
    protected String openApiTitle() {
        return "Baton state-sync";
    }
}
