package dev.baton.statesync.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * A fake of the Baton notifier's {@code POST /api/v1/alerts} on 127.0.0.1, faithful to its contract:
 * bearer token required (401 problem JSON otherwise), 202 when accepted. The first delivery gets a 503
 * so the client's retry is exercised.
 */
public class NotifierFake implements QuarkusTestResourceLifecycleManager {
    static final String TOKEN = "notifier-token-0123456789";
    private WireMockServer server;

    /** Marks a {@link WireMockServer} field to receive the running fake. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectNotifier {
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(post(urlEqualTo("/api/v1/alerts")).atPriority(10)
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401}")));
        server.stubFor(post(urlEqualTo("/api/v1/alerts")).atPriority(1)
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .inScenario("first-fails").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("up")
                .willReturn(aResponse().withStatus(503)));
        server.stubFor(post(urlEqualTo("/api/v1/alerts")).atPriority(1)
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .inScenario("first-fails").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":1,\"status\":\"ACCEPTED\"}")));
        return Map.of("baton.sync.alerts.url", server.baseUrl(), "baton.sync.alerts.token", TOKEN);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectNotifier.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
