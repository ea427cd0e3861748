package dev.baton.common.wire;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** An alert for the notifier: {@code POST /api/v1/alerts}, answered 202 once it is durable. */
public record AlertRequest(
        @NotNull Severity severity,
        @NotBlank @Size(max = 300) String title,
        @Size(max = 10_000) String message,
        @Size(max = 200) String dedupKey,
        @Size(max = 100) String source,
        @Size(max = 32) Map<@NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*", message = "label names are [A-Za-z_][A-Za-z0-9_]*") String, @NotNull @Size(max = 500) String> labels,
        boolean resolved) {

    public AlertRequest {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
