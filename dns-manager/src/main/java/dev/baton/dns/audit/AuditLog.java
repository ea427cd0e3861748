package dev.baton.dns.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.dns.config.DnsConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Every change attempt, written to the log (category {@code dev.baton.dns.audit}), kept in memory for
 * {@code GET /api/v1/audit}, and, when {@code baton.dns.audit.file} is set, appended and fsynced to a JSON-lines file
 * before the API answers. A database would be heavier than this service needs: switches are rare.
 */
@ApplicationScoped
@Startup
public class AuditLog {
    private static final Logger LOG = Logger.getLogger("dev.baton.dns.audit");

    private final ObjectMapper json;
    private final Optional<Path> file;
    private final int keep;
    private final Deque<AuditEntry> recent = new ArrayDeque<>();

    public AuditLog(ObjectMapper json, DnsConfig config) {
        this.json = json;
        this.file = config.audit().file();
        this.keep = config.audit().memoryEntries();
        file.ifPresent(AuditLog::checkWritable);
    }

    public synchronized void append(AuditEntry entry) {
        String line;
        try {
            line = json.writeValueAsString(entry);
        } catch (IOException e) {
            throw new IllegalStateException("audit entry not serialisable", e);
        }
        LOG.info(line);
        recent.addLast(entry);
        while (recent.size() > keep) {
            recent.removeFirst();
        }
        file.ifPresent(f -> write(f, line));
    }

    /** Most recent first. */
    public synchronized List<AuditEntry> recent(int limit) {
        List<AuditEntry> out = new ArrayList<>(Math.min(limit, recent.size()));
        var it = recent.descendingIterator();
        while (it.hasNext() && out.size() < limit) {
            out.add(it.next());
        }
        return out;
    }

    private static void write(Path f, String line) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        } catch (IOException e) {
            // the change already happened at the provider; losing its audit line must be loud, not fatal
            LOG.errorf("could not append to audit file %s: %s", f, e.getMessage());
        }
    }

    private static void checkWritable(Path f) {
        Path dir = f.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalStateException("baton.dns.audit.file: directory " + dir + " does not exist");
        }
        if (Files.exists(f) && !Files.isWritable(f)) {
            throw new IllegalStateException("baton.dns.audit.file: " + f + " is not writable");
        }
    }
}
