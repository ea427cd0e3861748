package dev.baton.common.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.function.Supplier;

/**
 * The guards every mutating Baton endpoint keeps (DESIGN.md invariant 6 and the problem-JSON contract),
 * asserted the same way in every service's tests: no token is a 401 problem, broken JSON a 400 problem.
 */
public final class ApiGuards {

    private ApiGuards() {
    }

    /** A JSON request carrying {@code token} as its bearer token. */
    public static RequestSpecification authed(String token) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token);
    }

    /**
     * POSTing an otherwise valid {@code body} to {@code path} without a token, or with a wrong one, is refused with
     * 401 problem JSON, and changes nothing: {@code observedState} (what the service shows of the state the call
     * would change, read through its API) is the same before and after.
     */
    public static void refusesWithoutToken(String path, Object body, Supplier<?> observedState) {
        refusesWithoutToken("POST", path, body, observedState);
    }

    /** As {@link #refusesWithoutToken(String, Object, Supplier)}, with another method (PUT, DELETE). */
    public static void refusesWithoutToken(String method, String path, Object body, Supplier<?> observedState) {
        Object before = observedState.get();
        given().contentType(ContentType.JSON).body(body).request(method, path)
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        given().contentType(ContentType.JSON).header("Authorization", "Bearer not-a-configured-token").body(body).request(method, path)
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        Object after = observedState.get();
        if (!java.util.Objects.equals(before, after)) {
            throw new AssertionError("a refused call to " + path + " changed the service's state:\nbefore: " + before + "\nafter:  " + after);
        }
    }

    /** POSTing {@code brokenJson} to {@code path} with a valid token is a 400 problem, never a 500. */
    public static void rejectsMalformedJson(String path, String token, String brokenJson) {
        authed(token).body(brokenJson).post(path)
                .then().statusCode(400).contentType("application/problem+json").body("title", equalTo("Malformed JSON"));
    }
}
