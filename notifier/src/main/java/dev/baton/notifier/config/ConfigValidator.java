package dev.baton.notifier.config;

import dev.baton.common.wire.Names;
import dev.baton.common.wire.Severity;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks across keys that bean validation cannot express. Each problem names its key; any problem stops startup
 * with all of them in one message. Never echoes a secret value.
 */
public final class ConfigValidator {
    private static final Set<String> SEVERITIES = Stream.of(Severity.values()).map(Enum::name).collect(Collectors.toSet());
    private static final String P = "baton.notifier.";

    private ConfigValidator() {
    }

    public static void requireValid(NotifierConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid notifier configuration: " + String.join("; ", problems));
        }
    }

    public static List<String> problems(NotifierConfig config) {
        List<String> out = new ArrayList<>();
        NotifierConfig.Pipeline p = config.pipeline();
        if (p.repeatInterval().compareTo(p.dedupWindow()) < 0) {
            out.add(P + "pipeline.repeat-interval must not be shorter than " + P + "pipeline.dedup-window");
        }
        if (p.groupWait().isNegative()) {
            out.add(P + "pipeline.group-wait must not be negative");
        }
        NotifierConfig.Outbox o = config.outbox();
        positive(out, "outbox.poll-interval", o.pollInterval());
        positive(out, "outbox.lease", o.lease());
        positive(out, "outbox.initial-backoff", o.initialBackoff());
        positive(out, "outbox.max-age", o.maxAge());
        positive(out, "outbox.http-timeout", o.httpTimeout());
        if (o.maxBackoff().compareTo(o.initialBackoff()) < 0) {
            out.add(P + "outbox.max-backoff must not be shorter than " + P + "outbox.initial-backoff");
        }
        if (o.jitter() < 0 || o.jitter() >= 1) {
            out.add(P + "outbox.jitter must be in [0, 1)");
        }
        Map<String, NotifierConfig.ChannelConfig> channels = config.channels();
        channels.forEach((name, c) -> {
            String key = P + "channels." + name;
            if (!Names.isValid(name)) {
                out.add(key + ": channel name " + Names.MESSAGE);
            }
            long types = Stream.of(c.telegram(), c.email(), c.slack(), c.pagerduty(), c.webhook()).filter(Optional::isPresent).count();
            if (types != 1) {
                out.add(key + " must have exactly one of telegram, email, slack, pagerduty, webhook (has " + types + ")");
            }
            c.telegram().ifPresent(t -> {
                url(out, key + ".telegram.api-url", t.apiUrl(), true);
                if (!t.token().matches("[0-9]+:[A-Za-z0-9_-]+")) {
                    out.add(key + ".telegram.token does not look like a bot token (<digits>:<secret>)");
                }
            });
            c.slack().ifPresent(s -> url(out, key + ".slack.webhook-url", s.webhookUrl(), false));
            c.pagerduty().ifPresent(pd -> url(out, key + ".pagerduty.api-url", pd.apiUrl(), true));
            c.webhook().ifPresent(w -> url(out, key + ".webhook.url", w.url(), false));
            c.fallback().ifPresent(f -> {
                if (f.equals(name) || !channels.containsKey(f)) {
                    out.add(key + ".fallback: '" + f + "' is not another configured channel");
                }
            });
        });
        for (int i = 0; i < config.routes().size(); i++) {
            NotifierConfig.RouteConfig r = config.routes().get(i);
            String key = P + "routes[" + i + "]";
            for (String ch : r.channels()) {
                if (!channels.containsKey(ch)) {
                    out.add(key + ".channels: unknown channel '" + ch + "'");
                }
            }
            for (String s : r.severities()) {
                if (!SEVERITIES.contains(s)) {
                    out.add(key + ".severities: unknown severity '" + s + "' (INFO, WARNING, CRITICAL)");
                }
            }
        }
        for (int i = 0; i < config.inhibit().size(); i++) {
            NotifierConfig.InhibitConfig r = config.inhibit().get(i);
            if (r.source().isEmpty() || r.target().isEmpty()) {
                out.add(P + "inhibit[" + i + "] needs both source and target matchers");
            }
        }
        return out;
    }

    private static void positive(List<String> out, String key, Duration d) {
        if (d.isZero() || d.isNegative()) {
            out.add(P + key + " must be positive");
        }
    }

    /** The value of a secret URL (Slack) is never echoed. */
    private static void url(List<String> out, String key, String value, boolean echo) {
        try {
            URI u = URI.create(value);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                out.add(key + " must be an http(s) URL" + (echo ? ", got '" + value + "'" : ""));
            }
        } catch (IllegalArgumentException e) {
            out.add(key + " is not a valid URL" + (echo ? ": '" + value + "'" : ""));
        }
    }
}
