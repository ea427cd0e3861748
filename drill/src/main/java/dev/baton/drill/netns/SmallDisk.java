package dev.baton.drill.netns;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small disk of its own (a tmpfs) mounted on one directory of the namespace world, which the
 * {@code full-disk} nemesis fills to the last byte and empties again. Its mount source is {@code baton-drill-<world>-disk}, so that
 * {@link #removeLeftovers} unmounts what a crashed drill left and nothing else. Needs root.
 */
public final class SmallDisk implements AutoCloseable {
    /** What fills the disk: a dot file the nemesis alone writes and removes. */
    static final String FILLER = ".baton-drill-filler";

    private final Path dir;
    private final String source;
    /** At most this much filler, whatever happens: twice the disk's size. */
    private final long limit;
    private boolean mounted;

    private SmallDisk(Path dir, String source, long limit) {
        this.dir = dir;
        this.source = source;
        this.limit = limit;
    }

    /**
     * Mounts a tmpfs of {@code megabytes} MiB on {@code dir}, which must be empty. In this process's mount namespace:
     * only what is started from it afterwards sees it (the namespace world's root mount is private), so mount it
     * before the processes that write there start.
     */
    public static SmallDisk mount(String world, Path dir, int megabytes) throws IOException {
        SmallDisk d = new SmallDisk(dir, Netns.PREFIX + world + "-disk", 2L * megabytes * 1024 * 1024);
        String size = megabytes + "m";
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IOException(dir + " is not empty: a small disk is mounted only on an empty directory");
            }
        }
        Netns.Result r = Netns.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", d.source, dir.toString()));
        if (r.exit() != 0) {
            throw new IOException("mount -t tmpfs on " + dir + " failed: " + r.output().trim());
        }
        d.mounted = true;
        return d;
    }

    /** Whether this disk is mounted on its directory, as this process sees its mounts. */
    public boolean mountedHere() throws IOException {
        return mounts(Path.of("/proc/self/mounts")).stream().anyMatch(m -> m[0].equals(source) && m[1].equals(dir.toString()));
    }

    /** The mount table {@code file} as (source, mount point) pairs, spaces in mount points decoded. */
    private static List<String[]> mounts(Path file) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(" ");
            if (f.length > 2) {
                out.add(new String[] {f[0], f[1].replace("\\040", " ")});
            }
        }
        return out;
    }

    /**
     * Writes the filler until the disk is full (ENOSPC: a tmpfs is full to the page); returns how many bytes it took.
     * Never writes where this disk is not mounted (that would fill whatever disk the directory is on), and never more
     * than {@link #limit} bytes.
     */
    public long fill() throws IOException {
        if (!mountedHere()) {
            throw new IOException("no small disk mounted on " + dir + " (as this process sees its mounts): nothing filled");
        }
        long written = 0;
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(dir.resolve(FILLER))) {
            while (written < limit) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            // no space left: what the nemesis wanted
        }
        return written;
    }

    /** Removes the filler: the disk has its room back. */
    public void drain() throws IOException {
        Files.deleteIfExists(dir.resolve(FILLER));
    }

    @Override
    public void close() throws IOException {
        if (mounted) {
            Netns.run(List.of("umount", "-l", dir.toString()));
            mounted = false;
        }
    }

    /** Unmounts every small disk a drill that is no longer running left mounted (and only those); returns their paths. */
    public static List<String> removeLeftovers() throws IOException {
        List<String> removed = new ArrayList<>();
        for (String[] m : mounts(Path.of("/proc/mounts"))) {
            if (m[0].startsWith(Netns.PREFIX) && m[0].endsWith("-disk") && !Netns.ownerAlive(m[0])) {
                Netns.run(List.of("umount", "-l", m[1]));
                removed.add(m[1]);
            }
        }
        return removed;
    }
}
