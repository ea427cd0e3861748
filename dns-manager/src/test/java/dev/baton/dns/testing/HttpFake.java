package dev.baton.dns.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A provider fake: WireMock on 127.0.0.1 carries the HTTP, a subclass holds the provider's state and answers
 * like the provider's documented API. Every mutation is recorded in {@link #changes()} for tests to assert on.
 */
public abstract class HttpFake implements AutoCloseable {
    protected static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final List<String> changes = new ArrayList<>();
    private int failNext;
    private int failStatus;
    private int requests;
    private Runnable beforeNextWrite;
    private Runnable afterNextWrite;

    protected HttpFake() {
        server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .disableRequestJournal()
                .extensions(new ResponseDefinitionTransformerV2() {
                    @Override
                    public ResponseDefinition transform(ServeEvent event) {
                        synchronized (HttpFake.this) {
                            return handleOrFail(event.getRequest()).build();
                        }
                    }

                    @Override
                    public String getName() {
                        return "provider-fake";
                    }
                }));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public int port() {
        return server.port();
    }

    /** Mutations seen, e.g. {@code PATCH www.example.com A 192.0.2.20 ttl=60}. */
    public synchronized List<String> changes() {
        return List.copyOf(changes);
    }

    /** The next {@code n} calls fail with a bare 5xx before reaching the handler (a provider hiccup). */
    public synchronized void failNext(int n, int status) {
        failNext = n;
        failStatus = status;
    }

    /** Another writer acts between Baton's read and Baton's write: {@code race} runs as the next write arrives, before it applies. */
    public synchronized void beforeNextWrite(Runnable race) {
        beforeNextWrite = race;
    }

    /** Another writer acts right after Baton's write: {@code race} runs once the next write has applied. */
    public synchronized void afterNextWrite(Runnable race) {
        afterNextWrite = race;
    }

    /** Subclasses call this as a write arrives ({@code before}) and once it applied. */
    protected synchronized void race(boolean before) {
        Runnable r = before ? beforeNextWrite : afterNextWrite;
        if (before) {
            beforeNextWrite = null;
        } else {
            afterNextWrite = null;
        }
        if (r != null) {
            r.run();
        }
    }

    public synchronized void reset() {
        beforeNextWrite = null;
        afterNextWrite = null;
        changes.clear();
        failNext = 0;
        requests = 0;
        resetState();
    }

    protected synchronized void recordChange(String change) {
        changes.add(change);
    }

    protected abstract void resetState();

    protected abstract ResponseDefinitionBuilder handle(Request request);

    /** How many requests arrived since the last reset. */
    public synchronized int requests() {
        return requests;
    }

    private ResponseDefinitionBuilder handleOrFail(Request request) {
        requests++;
        if (failNext > 0) {
            failNext--;
            return aResponse().withStatus(failStatus).withBody("upstream hiccup");
        }
        try {
            return handle(request);
        } catch (RuntimeException e) {
            return aResponse().withStatus(500).withBody("fake failed: " + e);
        }
    }

    protected static ResponseDefinitionBuilder json(int status, Object body) {
        try {
            return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                    .withBody(JSON.writeValueAsString(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected static String path(Request request) {
        String url = request.getUrl();
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    protected static String query(Request request, String name) {
        var p = request.queryParameter(name);
        return p != null && p.isPresent() ? p.firstValue() : null;
    }

    @Override
    public void close() {
        server.stop();
    }
}
