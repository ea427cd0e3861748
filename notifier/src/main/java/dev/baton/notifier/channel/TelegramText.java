package dev.baton.notifier.channel;

import dev.baton.notifier.pipeline.Alert;

/**
 * Renders a notification as Telegram HTML ({@code parse_mode=HTML}): only {@code &}, {@code <} and {@code >} need
 * escaping. A group whose rendering exceeds Telegram's 4096-character limit is sent as parts
 * ({@link TelegramChannel#split}), each headed by its place in the group; only a single alert longer than the limit
 * is truncated by rule: whole characters only, tags always closed, a visible "… (truncated)" marker (the full text
 * stays in {@code GET /api/v1/alerts}).
 */
public final class TelegramText {
    public static final int LIMIT = 4096;
    static final String TRUNCATED = "\n… (truncated)";

    private TelegramText() {
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    public static String render(Notification n) {
        return render(n, LIMIT);
    }

    /** The length the message would have with no limit: what decides whether a group is split. */
    static int length(Notification n) {
        return render(n, Integer.MAX_VALUE / 2).length();
    }

    static String render(Notification n, int limit) {
        Budget b = new Budget(limit - TRUNCATED.length());
        if (n.isPart()) {
            b.tagged("b", n.groupSize() + " alerts " + (n.resolved() ? "resolved" : "firing"));
            b.text(" (" + n.partLine() + ")\n\n");
        }
        for (int i = 0; i < n.alerts().size() && !b.truncated; i++) {
            Alert a = n.alerts().get(i);
            if (i > 0) {
                b.text("\n\n");
            }
            b.tagged("b", (a.resolved() ? "RESOLVED " : "") + a.severity() + ": " + a.title());
            if (!a.message().isBlank()) {
                b.text("\n");
                b.text(a.message());
            }
            if (!a.labels().isEmpty()) {
                b.text("\n");
                b.tagged("i", Notification.labelLine(a.labels()));
            }
        }
        return b.truncated ? b.sb + TRUNCATED : b.sb.toString();
    }

    /** Appends escaped text while it fits; once something does not fit, nothing more is appended. */
    private static final class Budget {
        final StringBuilder sb = new StringBuilder();
        int cap;
        boolean truncated;

        Budget(int cap) {
            this.cap = cap;
        }

        void text(String s) {
            for (int i = 0; i < s.length() && !truncated; ) {
                int cp = s.codePointAt(i);
                String piece = escape(new String(Character.toChars(cp)));
                if (sb.length() + piece.length() > cap) {
                    truncated = true;
                    return;
                }
                sb.append(piece);
                i += Character.charCount(cp);
            }
        }

        void tagged(String tag, String s) {
            String open = "<" + tag + ">";
            String close = "</" + tag + ">";
            if (truncated || sb.length() + open.length() + close.length() >= cap) {
                truncated = true;
                return;
            }
            sb.append(open);
            cap -= close.length();
            text(s);
            cap += close.length();
            sb.append(close);
        }
    }
}
