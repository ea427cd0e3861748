package dev.baton.notifier.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.notifier.client.HttpPoster;
import dev.baton.notifier.config.ConfigValidator;
import dev.baton.notifier.config.NotifierConfig;
import io.quarkus.mailer.Mailer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds one {@link Channel} per configured channel, after {@link ConfigValidator} has accepted the configuration. */
@ApplicationScoped
public class ChannelFactory {
    private static final Logger LOG = Logger.getLogger(ChannelFactory.class);

    @Produces
    @Singleton
    ChannelRegistry channels(NotifierConfig config, HttpPoster http, ObjectMapper json, Mailer mailer, Clock clock) {
        ConfigValidator.requireValid(config);
        Map<String, Channel> built = new LinkedHashMap<>();
        config.channels().forEach((name, c) -> {
            Channel channel;
            if (c.telegram().isPresent()) {
                channel = new TelegramChannel(name, c.telegram().get(), http, json);
            } else if (c.email().isPresent()) {
                channel = new EmailChannel(name, c.email().get(), mailer);
            } else if (c.slack().isPresent()) {
                channel = new SlackChannel(name, c.slack().get(), http, json);
            } else if (c.pagerduty().isPresent()) {
                channel = new PagerDutyChannel(name, c.pagerduty().get(), http, json);
            } else {
                channel = new WebhookChannel(name, c.webhook().orElseThrow(), http, json, clock);
            }
            built.put(name, channel);
        });
        return new ChannelRegistry(built);
    }

    /** Builds the channels at boot, so a misconfiguration stops startup instead of the first alert. */
    void buildAtStartup(@Observes StartupEvent event, ChannelRegistry registry) {
        LOG.infof("notifier channels: %s", registry.names());
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
