package dev.baton.notifier.pipeline;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Picks the channels for an alert: first matching route, plus later ones while matches say continue. */
public final class Router {
    private final List<Route> routes;

    public Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public Set<String> channelsFor(Alert alert) {
        Set<String> channels = new LinkedHashSet<>();
        for (Route route : routes) {
            if (route.matches(alert)) {
                channels.addAll(route.channels());
                if (!route.continueMatching()) {
                    break;
                }
            }
        }
        return channels;
    }
}
