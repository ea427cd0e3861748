package dev.baton.dns.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/** Parses {@code ip}, {@code ip:port} or {@code [ipv6]:port}. IP literals only: resolving a name here would use the host's resolver. */
public final class HostPort {

    private HostPort() {
    }

    public static InetSocketAddress parse(String s, int defaultPort) {
        String v = s == null ? "" : s.trim();
        String host = v;
        int port = defaultPort;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + v + "' is not [ipv6]:port");
            }
            host = v.substring(1, close);
            if (close + 1 < v.length()) {
                if (v.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("'" + v + "' is not [ipv6]:port");
                }
                port = parsePort(v, v.substring(close + 2));
            }
        } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            host = v.substring(0, v.indexOf(':'));
            port = parsePort(v, v.substring(v.indexOf(':') + 1));
        }
        byte[] bytes = Address.toByteArray(host, Address.IPv4);
        if (bytes == null) {
            bytes = Address.toByteArray(host, Address.IPv6);
        }
        if (bytes == null) {
            throw new IllegalArgumentException("'" + v + "' is not an IP address (host names are not accepted here)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + v + "' is not an IP address");
        }
    }

    private static int parsePort(String whole, String p) {
        try {
            int port = Integer.parseInt(p);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + whole + "' has no valid port");
        }
    }

    public static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
