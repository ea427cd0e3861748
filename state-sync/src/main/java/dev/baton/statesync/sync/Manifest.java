package dev.baton.statesync.sync;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one snapshot holds: per path its type, size, mtime, mode and SHA-256. Stored as
 * {@code .baton-manifest} at the top of each snapshot so a restarted service (or an operator) knows
 * what a version contains without re-reading it. One line per entry; paths URL-encoded.
 *
 * @param id      snapshot id
 * @param epoch   epoch of the request that wrote it
 * @param created epoch milliseconds
 * @param entries by relative path, sorted
 */
public record Manifest(String id, long epoch, long created, Map<String, Item> entries) {
    public static final String FILE_NAME = ".baton-manifest";
    private static final String HEADER = "baton-manifest 1";

    public Manifest {
        entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    public static Manifest empty() {
        return new Manifest("", 0, 0, Map.of());
    }

    public boolean isEmpty() {
        return id.isEmpty();
    }

    public long fileCount() {
        return entries.values().stream().filter(i -> !i.directory()).count();
    }

    public long totalBytes() {
        return entries.values().stream().mapToLong(Item::size).sum();
    }

    /**
     * One entry. {@code racy}: the file was hashed so soon after its last modification that a later
     * rewrite could share its size and mtime; it is re-hashed until a hash taken after the racy
     * window confirms it.
     */
    public record Item(boolean directory, long size, long mtime, int mode, String sha256, boolean racy) {
        public Item withRacy(boolean value) {
            return new Item(directory, size, mtime, mode, sha256, value);
        }
    }

    public Manifest with(Map<String, Item> newEntries) {
        return new Manifest(id, epoch, created, newEntries);
    }

    public String render() {
        StringBuilder out = new StringBuilder(HEADER).append(' ').append(id).append(' ').append(epoch).append(' ')
                .append(created).append('\n');
        entries.forEach((path, i) -> out.append(i.directory() ? 'D' : 'F').append(' ')
                .append(Integer.toOctalString(i.mode())).append(' ')
                .append(i.size()).append(' ')
                .append(i.mtime()).append(' ')
                .append(i.sha256() == null ? "-" : i.sha256()).append(' ')
                .append(i.racy() ? '1' : '0').append(' ')
                .append(URLEncoder.encode(path, StandardCharsets.UTF_8)).append('\n'));
        return out.toString();
    }

    /** @throws IllegalArgumentException if the text is not a manifest */
    public static Manifest parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].startsWith(HEADER + " ")) {
            throw new IllegalArgumentException("not a state-sync manifest");
        }
        String[] head = lines[0].split(" ");
        if (head.length != 5) {
            throw new IllegalArgumentException("bad manifest header");
        }
        Map<String, Item> entries = new LinkedHashMap<>();
        for (int n = 1; n < lines.length; n++) {
            if (lines[n].isEmpty()) {
                continue;
            }
            String[] f = lines[n].split(" ");
            if (f.length != 7) {
                throw new IllegalArgumentException("bad manifest line " + (n + 1));
            }
            entries.put(URLDecoder.decode(f[6], StandardCharsets.UTF_8), new Item(f[0].equals("D"),
                    Long.parseLong(f[2]), Long.parseLong(f[3]), Integer.parseInt(f[1], 8),
                    f[4].equals("-") ? null : f[4], f[5].equals("1")));
        }
        return new Manifest(head[2], Long.parseLong(head[3]), Long.parseLong(head[4]), entries);
    }
}
