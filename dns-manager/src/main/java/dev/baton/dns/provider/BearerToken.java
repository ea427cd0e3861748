package dev.baton.dns.provider;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/** Adds {@code Authorization: Bearer ...} to every call of one provider client; the token is never logged. */
public final class BearerToken implements ClientRequestFilter {
    private final String token;

    public BearerToken(String token) {
        this.token = token;
    }

    @Override
    public void filter(ClientRequestContext request) {
        request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }

    @Override
    public String toString() {
        return "BearerToken[***]";
    }
}
