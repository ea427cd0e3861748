package dev.baton.coordinator.client;

/** Another Baton service could not do what was asked. {@code refused}: it answered 4xx, so retrying will not help. */
public class ServiceCallFailed extends RuntimeException {
    private final boolean refused;

    public ServiceCallFailed(String message, boolean refused, Throwable cause) {
        super(message, cause);
        this.refused = refused;
    }

    public boolean refused() {
        return refused;
    }

    /** A 4xx answer: the request itself is wrong (e.g. a stale epoch); retrying will not help. */
    public static class Refused extends ServiceCallFailed {
        public Refused(String message) {
            super(message, true, null);
        }
    }

    static ServiceCallFailed from(String service, Throwable e) {
        if (e instanceof jakarta.ws.rs.WebApplicationException w) {
            int status = w.getResponse().getStatus();
            String body = "";
            try {
                body = w.getResponse().readEntity(String.class);
            } catch (RuntimeException ignored) {
                // the body is a courtesy; the status says enough
            }
            String detail = service + " answered " + status + (body == null || body.isBlank() ? "" : ": " + truncate(body));
            return status >= 400 && status < 500 && status != 408 && status != 429 ? new Refused(detail) : new ServiceCallFailed(detail, false, e);
        }
        return new ServiceCallFailed(service + " unreachable: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + truncate(e.getMessage())), false, e);
    }

    private static String truncate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
