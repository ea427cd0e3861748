package dev.baton.statesync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.baton.common.testing.ApiGuards;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedSshServer;
import dev.baton.common.testing.OpenApiDocument;
import dev.baton.common.testing.PackagedLog;
import dev.baton.common.testing.ServiceContract;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged state-sync (the jar, or the native runner with {@code -Pnative}) in its production profile, its
 * two sites real SSH/SFTP servers on loopback ({@link EmbeddedSshResource}).
 */
@QuarkusIntegrationTest
@WithTestResource(StateSyncIT.Sites.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StateSyncIT extends ServiceContract {
    private static final String TOKEN = "it-token-0123456789abcdef";
    /** A secret in the trading stack's {@code .env}: replicated, never logged. */
    private static final String BROKER_PASSWORD = "ib-password-7f3c9e1a55d2";

    /** Filled by {@link Sites#inject}. */
    static final class Places {
        EmbeddedSshServer primary;
        EmbeddedSshServer standby;
    }

    Places sites;

    /**
     * Both sites as real SSH/SFTP servers on loopback (serving SFTP rooted in their directory), the primary holding a
     * trading stack's state and {@code .env}; the operator's part: the token and the two sites.
     */
    public static class Sites implements QuarkusTestResourceLifecycleManager {
        private final Places places = new Places();

        @Override
        public Map<String, String> start() {
            Map<String, String> c = new HashMap<>();
            c.put("quarkus.http.host", "127.0.0.1");
            c.put("baton.auth.tokens", TOKEN);
            c.put("baton.sync.continuous.enabled", "false");
            try {
                places.primary = EmbeddedSshServer.start(Files.createTempDirectory("baton-it-primary"), CommandHandler.NONE);
                places.standby = EmbeddedSshServer.start(Files.createTempDirectory("baton-it-standby"), CommandHandler.NONE);
                Path root = places.primary.root();
                Files.createDirectories(root.resolve("state/orders"));
                Files.writeString(root.resolve("state/positions.json"), "{\"ES\":{\"qty\":3,\"avg\":6012.25}}\n");
                byte[] journal = new byte[300_000];
                new java.util.Random(20261205).nextBytes(journal);
                Files.write(root.resolve("state/orders/2026-12-05.journal"), journal);
                Path env = Files.writeString(root.resolve(".env"), "IB_ACCOUNT=U1234567\nIB_PASSWORD=" + BROKER_PASSWORD + "\n");
                Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            site(c, "primary", places.primary);
            site(c, "standby", places.standby);
            return c;
        }

        private static void site(Map<String, String> c, String name, EmbeddedSshServer s) {
            String p = "baton.sync.sites." + name + ".";
            c.put(p + "host", s.host());
            c.put(p + "port", String.valueOf(s.port()));
            c.put(p + "user", s.user());
            c.put(p + "private-key", s.privateKey().toString());
            c.put(p + "known-hosts", s.knownHosts().toString());
            c.put(p + "root", "/");
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(places, new TestInjector.MatchesType(Places.class));
        }

        @Override
        public void stop() {
            for (EmbeddedSshServer s : new EmbeddedSshServer[] {places.primary, places.standby}) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
    }

    /** Invariant 6: no configured secret, nor anything from the replicated {@code .env}, reaches the packaged service's log. */
    @AfterEach
    void noConfiguredSecretInTheServiceLog() {
        PackagedLog.assertNoSecret(Map.of("bearer token", TOKEN, ".env contents (broker password)", BROKER_PASSWORD));
    }

    @Override
    protected String openApiTitle() {
        return "Baton state-sync";
    }

    @Test
    @Order(1)
    void theCoordinatorSetsTheActiveSiteAndSyncsItToTheStandby() {
        authed().body(Map.of("site", "primary", "epoch", 1)).put("/api/v1/active")
                .then().statusCode(200).body("site", equalTo("primary")).body("epoch", equalTo(1));

        authed().body(Map.of("from", "primary", "to", "standby", "epoch", 1)).post("/api/v1/sync")
                .then().statusCode(200).body("from", equalTo("primary")).body("to", equalTo("standby"))
                .body("changed", equalTo(true)).body("totalFiles", equalTo(3));
        given().get("/api/v1/status").then().statusCode(200).body("activeSite", equalTo("primary"))
                .body("targets.find { it.target == 'standby' }.lastSuccessAt", org.hamcrest.Matchers.notNullValue());

        Path from = sites.primary.root();
        Path to = sites.standby.root();
        for (String file : List.of("state/positions.json", "state/orders/2026-12-05.journal", ".env")) {
            try {
                assertThat(Files.readAllBytes(to.resolve(file))).as(file).isEqualTo(Files.readAllBytes(from.resolve(file)));
                if (file.equals(".env")) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(to.resolve(file)))).as(".env mode").isEqualTo("rw-------");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // the standby's copy is fenced: it records the epoch it holds
        assertThat(to.resolve(".baton")).isDirectory();
    }

    @Test
    @Order(2)
    void aSyncWithoutTokenIsRefusedWithProblemJson() {
        ApiGuards.refusesWithoutToken("/api/v1/sync", Map.of("from", "primary", "to", "standby", "epoch", 1),
                () -> java.util.List.of(given().get("/api/v1/active").then().extract().asString(),
                        given().get("/api/v1/status").then().extract().jsonPath().getList("targets.lastSuccessAt")));
        ApiGuards.refusesWithoutToken("PUT", "/api/v1/active", Map.of("site", "standby", "epoch", 9),
                () -> given().get("/api/v1/active").then().extract().asString());
    }

    @Test
    @Order(3)
    void malformedJsonIsA400() {
        ApiGuards.rejectsMalformedJson("/api/v1/sync", TOKEN, "{\"from\": ");
    }

    @Test
    void theCommittedOpenApiDocumentIsCurrent() {
        OpenApiDocument.assertCommittedCopyIsCurrent("state-sync", new YAMLMapper());
    }

    private static RequestSpecification authed() {
        return ApiGuards.authed(TOKEN);
    }
}
