package dev.baton.notifier.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;

/** The running fakes a test talks to: one WireMock for the HTTP channel APIs, one GreenMail SMTP server. */
public record ChannelFakes(WireMockServer http, GreenMail smtp) {
    /** The Telegram bot token the test configuration uses; it must never show up in responses or metrics. */
    public static final String TELEGRAM_TOKEN = "123456:TEST-SECRET-TOKEN-abcdefXYZ";
    public static final String PAGERDUTY_KEY = "R0123456789ABCDEF0123456789ABCDE";
    public static final String WEBHOOK_SECRET = "webhook-secret-0123456789";
    public static final String SLACK_PATH = "/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX";
}
