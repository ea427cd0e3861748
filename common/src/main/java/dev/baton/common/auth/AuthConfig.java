package dev.baton.common.auth;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Bearer tokens accepted on mutating endpoints. Env: {@code BATON_AUTH_TOKENS=token1,token2}. */
@ConfigMapping(prefix = "baton.auth")
public interface AuthConfig {

    /**
     * Tokens that may call mutating endpoints (POST, PUT, PATCH, DELETE). Required, no default;
     * each at least 16 characters. Several allow rotation without downtime.
     */
    List<@Size(min = 16, message = "each token must be at least 16 characters") String> tokens();
}
