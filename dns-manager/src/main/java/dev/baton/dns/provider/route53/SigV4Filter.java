package dev.baton.dns.provider.route53;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Signs every Route 53 REST call with SigV4 (headers Host and X-Amz-Date, and the body's hash). */
final class SigV4Filter implements ClientRequestFilter {
    private final SigV4Signer signer;
    private final Clock clock;

    SigV4Filter(SigV4Signer signer, Clock clock) {
        this.signer = signer;
        this.clock = clock;
    }

    @Override
    public void filter(ClientRequestContext request) {
        Instant now = clock.instant();
        URI uri = request.getUri();
        String host = hostHeader(uri);
        String date = SigV4Signer.AMZ_DATE.format(now);
        Object entity = request.getEntity();
        byte[] payload = entity == null ? new byte[0]
                : entity instanceof byte[] bytes ? bytes : entity.toString().getBytes(StandardCharsets.UTF_8);
        SigV4Signer.Request toSign = new SigV4Signer.Request(request.getMethod(), uri,
                Map.of("Host", List.of(host), "X-Amz-Date", List.of(date)), payload);
        request.getHeaders().putSingle(HttpHeaders.HOST, host);
        request.getHeaders().putSingle("X-Amz-Date", date);
        request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, signer.authorization(toSign, now));
    }

    /** The Host header as sent: the port only when it is not the scheme's default. */
    static String hostHeader(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(uri.getScheme()) && port == 443) || ("http".equals(uri.getScheme()) && port == 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }
}
