package dev.baton.notifier.channel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The configured channels by name. Built once at startup by {@link ChannelFactory}. */
public final class ChannelRegistry {
    private final Map<String, Channel> channels;

    public ChannelRegistry(Map<String, Channel> channels) {
        this.channels = new LinkedHashMap<>(channels);
    }

    public Optional<Channel> get(String name) {
        return Optional.ofNullable(channels.get(name));
    }

    public Set<String> names() {
        return channels.keySet();
    }
}
