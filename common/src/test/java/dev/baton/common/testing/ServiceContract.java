package dev.baton.common.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

/**
 * What every Baton service promises operators and orchestrators: liveness and readiness, Prometheus
 * metrics and its OpenAPI document. Each service's {@code ServiceBootTest} extends this with
 * {@code @QuarkusTest} and whatever real parts it needs to boot.
 */
public abstract class ServiceContract {

    /** The OpenAPI {@code info.title}, e.g. {@code Baton notifier}. */
    protected abstract String openApiTitle();

    @Test
    void isLiveAndReady() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void publishesItsOpenApiDocument() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo(openApiTitle()));
    }
}
