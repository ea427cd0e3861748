package dev.baton.common.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** RFC 7807 problem details; every Baton error body has this shape. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, List.of());
    }

    /** One invalid field: where it is and what is wrong with it. */
    public record Violation(String field, String message) {
    }
}
