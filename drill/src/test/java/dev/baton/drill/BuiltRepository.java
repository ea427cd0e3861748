package dev.baton.drill;

import dev.baton.common.testing.KnotServers;
import dev.baton.common.testing.RequiredTool;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the drill's world tests need: the checkout with the service jars this build made, and Knot for the nameservers. */
final class BuiltRepository {
    private BuiltRepository() {
    }

    /** The checkout (this module's parent); skips the test (fails it under CI) when a jar or knotd is missing. */
    static Path require() {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        RequiredTool.require(Files.isRegularFile(repo.resolve("failover-coordinator/target/quarkus-app/quarkus-run.jar")),
                "the service jars (./mvnw package or verify builds them before this module)");
        RequiredTool.require(KnotServers.available(), "knotd (Debian package knot), the drill's authoritative nameservers");
        return repo;
    }
}
