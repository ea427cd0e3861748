package dev.baton.common.ssh;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/** One SSH client per service, created on first use and stopped at shutdown. */
@ApplicationScoped
public class SshConnectorProducer {

    @Produces
    @ApplicationScoped
    SshConnector connector() {
        return new SshConnector();
    }

    void close(@Disposes SshConnector connector) {
        connector.close();
    }
}
