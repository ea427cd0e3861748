package dev.baton.notifier.channel;

/**
 * One place notifications can go. Adding a channel = one class implementing this, one config section in
 * {@code NotifierConfig.ChannelConfig}, one line in {@link ChannelRegistry}, and a fake of its API in the tests.
 * Implementations are called from outbox worker threads (never the event loop) and may block.
 */
public interface Channel {

    /** The configured name ({@code baton.notifier.channels.<name>}). */
    String name();

    /** Sends one notification (one or more grouped alerts); never throws. */
    DeliveryResult send(Notification notification);

    /**
     * The group as the messages this channel sends for it: one, unless the channel has a size limit the group's
     * rendering exceeds, in which case parts that each fit ({@link Notification#split}). Each part is delivered,
     * retried and marked on its own.
     */
    default java.util.List<Notification> split(Notification notification) {
        return java.util.List.of(notification);
    }
}
