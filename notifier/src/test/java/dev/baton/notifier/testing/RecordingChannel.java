package dev.baton.notifier.testing;

import dev.baton.notifier.channel.Channel;
import dev.baton.notifier.channel.DeliveryResult;
import dev.baton.notifier.channel.Notification;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A channel that records what it was given and answers as the test says. */
public final class RecordingChannel implements Channel {
    private final String name;
    private final Function<Notification, DeliveryResult> answer;
    public final List<Notification> received = new CopyOnWriteArrayList<>();

    private final Function<Notification, List<Notification>> parts;

    public RecordingChannel(String name, Function<Notification, DeliveryResult> answer) {
        this(name, answer, List::of);
    }

    /** A channel with a size limit: {@code parts} splits a group as the channel would ({@link Channel#split}). */
    public RecordingChannel(String name, Function<Notification, DeliveryResult> answer, Function<Notification, List<Notification>> parts) {
        this.name = name;
        this.answer = answer;
        this.parts = parts;
    }

    @Override
    public List<Notification> split(Notification notification) {
        return parts.apply(notification);
    }

    public static RecordingChannel accepting(String name) {
        return new RecordingChannel(name, n -> DeliveryResult.accepted());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeliveryResult send(Notification notification) {
        received.add(notification);
        return answer.apply(notification);
    }
}
