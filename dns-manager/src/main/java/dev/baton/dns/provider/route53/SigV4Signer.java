package dev.baton.dns.provider.route53;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4, written out from AWS's description of the algorithm and checked against its
 * published test suite (see SigV4SignerTest). Pure: the caller supplies the request's parts and the time.
 */
public final class SigV4Signer {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final String HEX_SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String region;
    private final String service;

    public SigV4Signer(String accessKeyId, String secretAccessKey, String region, String service) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.region = region;
        this.service = service;
    }

    /** A request to sign. {@code headers} must already hold Host and X-Amz-Date; every one of them is signed. */
    public record Request(String method, URI uri, Map<String, List<String>> headers, byte[] payload) {
    }

    /** The value of the Authorization header for {@code request} made at {@code at}. */
    public String authorization(Request request, Instant at) {
        String canonical = canonicalRequest(request);
        String scope = DAY.format(at) + "/" + region + "/" + service + "/aws4_request";
        String toSign = ALGORITHM + "\n" + AMZ_DATE.format(at) + "\n" + scope + "\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), DAY.format(at));
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, toSign));
        return ALGORITHM + " Credential=" + accessKeyId + "/" + scope + ", SignedHeaders=" + signedHeaders(request)
                + ", Signature=" + signature;
    }

    /** The canonical request of step 1, exposed so tests can compare it with the suite's {@code .creq} files. */
    public static String canonicalRequest(Request request) {
        Map<String, String> headers = canonicalHeaders(request.headers());
        String headerBlock = headers.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue() + "\n")
                .collect(Collectors.joining());
        String payloadHash = request.payload() == null || request.payload().length == 0
                ? HEX_SHA256_EMPTY : hex(sha256(request.payload()));
        return request.method().toUpperCase(Locale.ROOT) + "\n"
                + canonicalUri(request.uri()) + "\n"
                + canonicalQuery(request.uri()) + "\n"
                + headerBlock + "\n"
                + String.join(";", headers.keySet()) + "\n"
                + payloadHash;
    }

    public static String hexSha256(byte[] payload) {
        return hex(sha256(payload == null ? new byte[0] : payload));
    }

    private static String signedHeaders(Request request) {
        return String.join(";", canonicalHeaders(request.headers()).keySet());
    }

    private static Map<String, String> canonicalHeaders(Map<String, List<String>> headers) {
        Map<String, String> out = new TreeMap<>();
        headers.forEach((name, values) -> {
            String key = name.toLowerCase(Locale.ROOT).trim();
            String joined = values.stream().map(v -> v.trim().replaceAll(" +", " ")).collect(Collectors.joining(","));
            out.merge(key, joined, (a, b) -> a + "," + b);
        });
        return out;
    }

    /** Each path segment URI-encoded again (all services but S3 sign the doubly encoded path). */
    private static String canonicalUri(URI uri) {
        String raw = uri.getRawPath();
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        for (String segment : raw.split("/", -1)) {
            segments.add(encode(segment));
        }
        return String.join("/", segments);
    }

    private static String canonicalQuery(URI uri) {
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {encode(decode(k)), encode(decode(v))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        return pairs.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
    }

    /** RFC 3986 encoding: everything but unreserved characters as %XX, upper-case hex. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            int ch = c & 0xff;
            if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                    || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
                b.append((char) ch);
            } else {
                b.append('%').append(String.format("%02X", ch));
            }
        }
        return b.toString();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public String toString() {
        return "SigV4Signer[" + accessKeyId + ", " + region + "/" + service + ", secret ***]";
    }
}
