package dev.baton.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The container healthcheck built into every runner: 0 when live, 1 otherwise. */
class BatonMainTest {

    @Test
    void liveServiceAnswersZero() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/q/health/live", exchange -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            assertThat(BatonMain.probe(String.valueOf(server.getAddress().getPort()))).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void downServiceAnswersOne() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/q/health/live", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            assertThat(BatonMain.probe(String.valueOf(server.getAddress().getPort()))).isEqualTo(1);
        } finally {
            server.stop(0);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(BatonMain.probe(String.valueOf(closed))).isEqualTo(1);
        assertThat(BatonMain.probe("not-a-port")).isEqualTo(1);
    }
}
