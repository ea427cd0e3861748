package dev.baton.dns.switching;

import dev.baton.dns.provider.DnsRecord;
import java.util.List;

/** Compare-and-set refused: the record is neither {@code from} nor {@code to}. Carries what it is now. */
public class SwitchConflictException extends RuntimeException {
    private final transient List<DnsRecord> current;

    public SwitchConflictException(String message, List<DnsRecord> current) {
        super(message);
        this.current = List.copyOf(current);
    }

    public List<DnsRecord> current() {
        return current;
    }
}
