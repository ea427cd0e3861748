package dev.baton.common.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps {@code docs/openapi/<service>.yaml} equal to what the service serves at {@code /q/openapi}. An
 * {@code *IT} calls it against the packaged service; when the API changed, the served document is written to
 * {@code target/openapi-served.yaml} and the failure says how to update the committed copy. The documents are
 * compared as trees, not text: SmallRye OpenAPI does not promise the order of a schema's keywords.
 */
public final class OpenApiDocument {

    private OpenApiDocument() {
    }

    /**
     * Fails unless the running service's OpenAPI document equals {@code ../docs/openapi/<service>.yaml}.
     * {@code yaml} reads YAML ({@code new YAMLMapper()}: the services have jackson-dataformat-yaml, common does not).
     */
    public static void assertCommittedCopyIsCurrent(String service, ObjectMapper yaml) {
        Path committed = Path.of("../docs/openapi", service + ".yaml");
        String served = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
        try {
            String expected = Files.exists(committed) ? Files.readString(committed) : "";
            if (expected.isBlank() || !yaml.readTree(expected).equals(yaml.readTree(served))) {
                Path current = Path.of("target/openapi-served.yaml");
                Files.writeString(current, served);
                throw new AssertionError(committed.normalize() + " is not the OpenAPI document " + service
                        + " serves: the API changed. Review and commit the new one: cp " + service + "/" + current + " "
                        + committed.normalize().toString().replace("../", ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
