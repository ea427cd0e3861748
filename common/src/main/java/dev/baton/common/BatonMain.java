package dev.baton.common;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * Entry point of every Baton service. {@code <runner> healthcheck [port]} answers a container
 * healthcheck without curl (the native micro image has none): it asks the running service's
 * {@code /q/health/live} on loopback and exits 0 when it is UP, 1 otherwise.
 */
@QuarkusMain
public final class BatonMain {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("healthcheck")) {
            String port = args.length > 1 ? args[1] : System.getenv().getOrDefault("QUARKUS_HTTP_PORT", "8080");
            System.exit(probe(port));
        }
        Quarkus.run(args);
    }

    static int probe(String port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + Integer.parseInt(port) + "/q/health/live")
                    .toURL().openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(3_000);
            int status = c.getResponseCode();
            c.disconnect();
            return status == 200 ? 0 : 1;
        } catch (IOException | NumberFormatException e) {
            return 1;
        }
    }
}
