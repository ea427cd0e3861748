import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** The loopback target both probers hit: GET /health -> 200 with a small JSON body. Usage: java Target.java PORT */
public class Target {
    public static void main(String[] args) throws Exception {
        byte[] body = "{\"status\":\"ok\",\"components\":{\"ib_gateway\":{\"connected\":true}}}".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/health", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        System.out.println("target listening on 127.0.0.1:" + server.getAddress().getPort());
    }
}
