package dev.baton.common.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuthAndProblemTest {
    static final String TOKEN = "test-token-0123456789";
    static final String VALID = """
            {"severity":"CRITICAL","title":"primary down","message":"engine not responding"}""";

    @Test
    void readsAreOpen() {
        given().get("/test/probe").then().statusCode(200).body("read", equalTo("open"));
    }

    @Test
    void aMutatingCallWithoutATokenIs401ProblemJson() {
        given().contentType(ContentType.JSON).body(VALID).post("/test/probe")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401)).body("title", equalTo("Unauthorized"))
                .body("detail", equalTo("missing bearer token"));
    }

    @Test
    void aWrongTokenIs401() {
        given().auth().oauth2("test-token-0123456780").contentType(ContentType.JSON).body(VALID).post("/test/probe")
                .then().statusCode(401).body("detail", equalTo("invalid bearer token"));
        given().header("Authorization", "Basic dXNlcjpwYXNz").delete("/test/probe/1")
                .then().statusCode(401);
    }

    @Test
    void theRightTokenGoesThrough() {
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body(VALID).post("/test/probe")
                .then().statusCode(200).body("accepted", equalTo("primary down"));
        given().auth().oauth2("second-token-abcdefghij").delete("/test/probe/9")
                .then().statusCode(200).body("deleted", equalTo("9"));
    }

    @Test
    void malformedJsonIs400WithAReason() {
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body("{\"severity\": \"CRITICAL\", \"title\": ")
                .post("/test/probe")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Malformed JSON"))
                .body("detail", containsString("line"));
    }

    @Test
    void anUnknownEnumValueIs400NamingTheField() {
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body("{\"severity\":\"APOCALYPSE\",\"title\":\"x\"}")
                .post("/test/probe")
                .then().log().ifValidationFails().statusCode(400).body("detail", containsString("severity"));
    }

    @Test
    void invalidFieldsAre400ListingEachViolation() {
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body("{\"severity\":\"INFO\",\"title\":\"\"}")
                .post("/test/probe")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Invalid request"))
                .body("violations.field", hasItem("title"));
    }

    @Test
    void anEmptyBodyIs400() {
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).post("/test/probe")
                .then().statusCode(400);
    }

    @Test
    void unknownPathsAre404ProblemJson() {
        given().get("/test/nowhere").then().statusCode(404);
    }

    @Test
    void anUnexpectedFailureIs500WithoutInternals() {
        given().get("/test/probe/boom").then().statusCode(500)
                .contentType("application/problem+json")
                .body(not(containsString("hunter2")))
                .body(not(containsString("IllegalStateException")));
    }
}
