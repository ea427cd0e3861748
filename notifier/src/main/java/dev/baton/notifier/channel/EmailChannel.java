package dev.baton.notifier.channel;

import dev.baton.notifier.config.NotifierConfig;
import dev.baton.notifier.pipeline.Alert;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import java.util.List;

/**
 * Email through Quarkus Mailer (SMTP; STARTTLS, implicit TLS and auth are {@code quarkus.mailer.*}). Subject
 * {@code [Baton] SEVERITY: title}; a plain-text and an HTML body. Any SMTP failure is retried by the outbox.
 */
public final class EmailChannel implements Channel {
    private final String name;
    private final String from;
    private final List<String> to;
    private final Mailer mailer;

    public EmailChannel(String name, NotifierConfig.Email config, Mailer mailer) {
        this.name = name;
        this.from = config.from();
        this.to = List.copyOf(config.to());
        this.mailer = mailer;
    }

    @Override
    public String name() {
        return name;
    }

    static String html(Notification n) {
        StringBuilder sb = new StringBuilder("<html><body>");
        for (Alert a : n.alerts()) {
            sb.append("<h3>").append(a.resolved() ? "RESOLVED " : "").append(a.severity()).append(": ")
                    .append(TelegramText.escape(a.title())).append("</h3>");
            if (!a.message().isBlank()) {
                sb.append("<pre>").append(TelegramText.escape(a.message())).append("</pre>");
            }
            if (!a.labels().isEmpty()) {
                sb.append("<p><i>").append(TelegramText.escape(Notification.labelLine(a.labels()))).append("</i></p>");
            }
        }
        return sb.append("</body></html>").toString();
    }

    @Override
    public DeliveryResult send(Notification n) {
        Mail mail = new Mail()
                .setFrom(from)
                .setTo(to)
                .setSubject(n.subject())
                .setText(n.plainText())
                .setHtml(html(n));
        try {
            mailer.send(mail);
            return DeliveryResult.accepted();
        } catch (RuntimeException e) {
            return DeliveryResult.retry("smtp: " + firstLine(e));
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 300 ? m.substring(0, 300) : m;
    }
}
