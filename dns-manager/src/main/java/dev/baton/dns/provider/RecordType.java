package dev.baton.dns.provider;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** The record types Baton switches, with how each one's values are validated and compared. */
public enum RecordType {
    A(Type.A), AAAA(Type.AAAA), CNAME(Type.CNAME), TXT(Type.TXT);

    private final int dnsType;

    RecordType(int dnsType) {
        this.dnsType = dnsType;
    }

    public int dnsType() {
        return dnsType;
    }

    public static RecordType parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("type must be one of A, AAAA, CNAME, TXT");
        }
    }

    /**
     * Checks a value for this type and returns its canonical form, used for every comparison:
     * addresses as the JDK prints them, host names lower-case without the final dot, TXT without quotes.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public String canonical(String value) {
        String v = value == null ? "" : value.trim();
        switch (this) {
            case A, AAAA -> {
                int family = this == A ? Address.IPv4 : Address.IPv6;
                byte[] bytes = Address.toByteArray(v, family);
                if (bytes == null) {
                    throw new IllegalArgumentException("'" + shorten(v) + "' is not an " + (this == A ? "IPv4" : "IPv6") + " address");
                }
                try {
                    return InetAddress.getByAddress(bytes).getHostAddress();
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("'" + shorten(v) + "' is not an address");
                }
            }
            case CNAME -> {
                String host = v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
                try {
                    Name.fromString(host + ".");
                } catch (TextParseException e) {
                    throw new IllegalArgumentException("'" + shorten(v) + "' is not a host name");
                }
                if (host.isEmpty() || !host.matches("[A-Za-z0-9_.-]+")) {
                    throw new IllegalArgumentException("'" + shorten(v) + "' is not a host name");
                }
                return host.toLowerCase(Locale.ROOT);
            }
            default -> {
                String text = v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
                if (text.isEmpty()) {
                    throw new IllegalArgumentException("TXT value must not be empty");
                }
                return text;
            }
        }
    }

    /** Same value for this type, compared in canonical form; values that do not parse are never equal. */
    public boolean sameValue(String a, String b) {
        try {
            return canonical(a).equals(canonical(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
