package dev.baton.dns.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Who asked, for the audit: the caller-declared actor ({@code X-Baton-Actor}, e.g. "coordinator" or an operator's
 * name) plus a fingerprint of the bearer token used (first 8 hex digits of its SHA-256, never the token).
 */
final class Actor {
    static final String HEADER = "X-Baton-Actor";

    private Actor() {
    }

    static String of(String authorization, String declared) {
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        String who = declared == null ? "" : declared.replaceAll("[^A-Za-z0-9@._ -]", "").trim();
        if (who.length() > 100) {
            who = who.substring(0, 100);
        }
        String fingerprint = token == null ? "no-token" : "token:" + fingerprint(token);
        return who.isEmpty() ? fingerprint : who + " (" + fingerprint + ")";
    }

    private static String fingerprint(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
