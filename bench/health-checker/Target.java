import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

/**
 * The loopback target both probers hit: GET /health -> 200 with a small JSON body, on Vert.x (Netty) so
 * the target is never the bottleneck. Usage: java -cp "<quarkus-app/lib/main/*>" Target.java PORT
 */
public class Target {
    public static void main(String[] args) {
        Buffer body = Buffer.buffer("{\"status\":\"ok\",\"components\":{\"ib_gateway\":{\"connected\":true}}}");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        vertx.createHttpServer()
                .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(body))
                .listen(Integer.parseInt(args[0]), "127.0.0.1")
                .onSuccess(s -> System.out.println("target listening on 127.0.0.1:" + s.actualPort()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }
}
