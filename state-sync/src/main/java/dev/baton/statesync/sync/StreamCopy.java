package dev.baton.statesync.sync;

import dev.baton.common.ssh.ExecResult;
import dev.baton.common.ssh.RemoteCommand;
import dev.baton.common.ssh.SshConnection;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.jboss.logging.Logger;

/**
 * The {@link Transport#STREAM} copy of many files in one pass, instead of ~15 SFTP round trips and
 * one fsync per file:
 *
 * <ol>
 * <li>the source runs {@code tar -c} over the files (names on stdin); state-sync reads each entry,
 * hashes it on the fly and writes it, under its sync-set name, into the target's {@code tar -x}
 * running in the staging directory (so nothing lands outside the 0700 {@code .baton/});</li>
 * <li>then, in parallel: on the target one file-system flush ({@code sync -f}) and one
 * {@code sha256sum} over every file written, compared with the hashes taken from the stream; on the
 * source one {@code stat} of every file read, compared with the listing and the tar header — a file
 * whose size or mtime moved, or that tar reports as changed while read, was possibly read torn.</li>
 * </ol>
 * What did not come through cleanly is handed back for the per-file SFTP path, which reads again
 * (torn), rewrites (checksum mismatch) or gives up on the file as {@link SyncEngine} does.
 */
final class StreamCopy implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StreamCopy.class);
    private static final int IO_BUFFER = 64 * 1024;
    /** The list of files to hard-link, sent in the stream to the top of staging and removed once used. */
    static final String LINKS = ".baton-links";
    /** The list of files and directories to fsync one by one, sent like {@link #LINKS} (name + "." + n). */
    static final String FLUSH = ".baton-flush";
    /**
     * Up to this many files a cycle fsyncs exactly what it wrote (and the directories holding it); above,
     * one {@code syncfs} of the target's file system is cheaper — but it also flushes whatever else is
     * waiting on that file system, which for a small cycle costs more than the cycle.
     */
    private static final int FSYNC_EACH_LIMIT = 256;
    /**
     * fsyncs run this many side by side: each fsync of a file just written waits for a journal commit
     * (ext4 allocates its blocks at writeback), one after the other that was a commit per file — 0.7 s
     * for a 100-file cycle on a loaded machine, where the journal thread waits for a CPU each time.
     * Concurrent fsyncs share commits (the journal's group commit).
     */
    private static final int FSYNC_PARALLEL = 8;

    /**
     * @param copied      files staged, flushed and verified, with their manifest items
     * @param reread      files to read again one by one (changed while read, vanished, not a regular file)
     * @param mismatched  files written whose SHA-256 on the target did not match the stream's
     * @param bytes       content bytes streamed
     */
    record Outcome(Map<String, Manifest.Item> copied, List<SourceEntry> reread, List<SourceEntry> mismatched,
            long bytes) {
    }

    /** What one stream entry carried: the tar header's view of the file and the hash of its bytes. */
    private record Streamed(SourceEntry entry, long size, long mtimeSeconds, int mode, String sha256) {
    }

    private final TransferHooks hooks;
    private final Duration racyWindow;
    private final boolean preserveOwnership;
    private final Duration stallTimeout;
    /** Longest a batched command (flush and hash, stat of a whole cycle) may run. */
    private final Duration commandTimeout;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicLong streams = new java.util.concurrent.atomic.AtomicLong();
    private final ScheduledExecutorService watchdogs = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "state-sync-stall-watchdog");
        t.setDaemon(true);
        return t;
    });

    StreamCopy(TransferHooks hooks, Duration racyWindow, boolean preserveOwnership, Duration stallTimeout,
            Duration commandTimeout, Clock clock) {
        this.hooks = hooks;
        this.commandTimeout = commandTimeout;
        this.racyWindow = racyWindow;
        this.preserveOwnership = preserveOwnership;
        this.stallTimeout = stallTimeout;
        this.clock = clock;
    }

    @Override
    public void close() {
        watchdogs.shutdownNow();
    }

    /**
     * @param previous the live snapshot to hard-link unchanged files from (null on a first sync)
     * @param dirs     the directories of the sync set: created by the stream with their modes (all writable
     *                 by their owner; the caller keeps read-only directories on the SFTP path)
     * @param link     unchanged files, hard-linked from {@code previous} on the target in one command
     * @param files    files to copy
     */
    Outcome run(Site source, Site target, String staging, String previous, List<SourceEntry> dirs,
            List<SourceEntry> link, List<SourceEntry> files) throws IOException, SyncFailed {
        long startedAt = clock.millis();
        Map<String, SourceEntry> byTarName = new LinkedHashMap<>();
        List<SourceEntry> reread = new ArrayList<>();
        for (SourceEntry e : files) {
            // two in-root links to one file: the stream carries it once, the other name goes one by one
            if (byTarName.putIfAbsent(SitePaths.relativeTo(source.root(), e.readPath()), e) != null) {
                reread.add(e);
            }
        }
        Map<String, SourceEntry> pending = new HashMap<>(byTarName);
        // one name per stream: two streams may fill one staging directory side by side
        String flushList = FLUSH + "." + streams.incrementAndGet();
        int flushEntries = 0;
        List<Streamed> streamed = new ArrayList<>();
        long bytes = 0;
        ExecResult tarC;
        try (RemoteCommand reader = source.start(createCommand(source.root()));
                RemoteCommand writer = target.start(extractCommand(staging));
                Watchdog watchdog = new Watchdog(source.name(), target.name(), reader, writer)) {
            feedInBackground(reader, names(byTarName.keySet()), source.name());
            try (TarArchiveInputStream in = new TarArchiveInputStream(
                            new java.io.BufferedInputStream(reader.stdout(), IO_BUFFER), "UTF-8");
                    TarArchiveOutputStream out = new TarArchiveOutputStream(
                            new AsyncOutputStream(writer.stdin(), "state-sync-stream-" + target.name(), watchdog::moved),
                            "UTF-8")) {
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (SourceEntry d : dirs) { // sorted: parents first
                    TarArchiveEntry o = new TarArchiveEntry(d.rel() + "/");
                    o.setMode(040000 | d.mode());
                    o.setModTime(d.mtime());
                    out.putArchiveEntry(o);
                    out.closeArchiveEntry();
                }
                if (previous != null && !link.isEmpty()) {
                    List<String> rels = new ArrayList<>(link.size());
                    for (SourceEntry e : link) {
                        rels.add(e.rel());
                    }
                    putList(out, LINKS, names(rels));
                }
                byte[] buf = new byte[IO_BUFFER];
                for (TarArchiveEntry h = in.getNextEntry(); h != null; h = in.getNextEntry()) {
                    SourceEntry e = pending.remove(h.getName());
                    if (e == null) {
                        throw new IOException("the source's tar sent " + h.getName() + ", which was not asked for");
                    }
                    if (!h.isFile() || h.isLink()) {
                        reread.add(e); // replaced by a link or directory since the listing: the slow path decides
                        continue;
                    }
                    TarArchiveEntry o = new TarArchiveEntry(e.rel());
                    o.setSize(h.getSize());
                    o.setMode(0100000 | (h.getMode() & 07777));
                    o.setModTime(h.getModTime());
                    if (preserveOwnership) {
                        o.setUserId(h.getLongUserId());
                        o.setGroupId(h.getLongGroupId());
                    }
                    out.putArchiveEntry(o);
                    MessageDigest digest = Sftp.sha256();
                    try (OutputStream sink = hooks.targetStream(e.rel(), 1, unclosable(out))) {
                        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                            watchdog.moved();
                            digest.update(buf, 0, n);
                            sink.write(buf, 0, n);
                        }
                    }
                    out.closeArchiveEntry();
                    bytes += h.getSize();
                    hooks.sourceRead(e.rel(), 1);
                    streamed.add(new Streamed(e, h.getSize(), h.getModTime().getTime() / 1000, h.getMode() & 07777,
                            HexFormat.of().formatHex(digest.digest())));
                    hooks.staged(e.rel());
                }
                if (streamed.size() <= FSYNC_EACH_LIMIT) {
                    // what to flush: the files written and every directory that got entries (links included)
                    List<String> flush = new ArrayList<>();
                    flush.add(".");
                    for (SourceEntry d : dirs) {
                        flush.add(d.rel());
                    }
                    for (Streamed st : streamed) {
                        flush.add(st.entry().rel());
                        flush.add(parentOf(st.entry().rel()));
                    }
                    for (SourceEntry e : link) {
                        flush.add(parentOf(e.rel()));
                    }
                    java.util.Set<String> unique = new java.util.LinkedHashSet<>(flush);
                    flushEntries = unique.size();
                    putList(out, flushList, names(unique));
                }
                out.finish();
                reader.stdout().transferTo(OutputStream.nullOutputStream()); // tar pads its last record
            } catch (IOException e) {
                throw watchdog.explain(e);
            }
            watchdog.cancel(); // the stream ended: each command has the stall timeout to exit
            watchdog.failIfFired(); // a cut channel may read as a short stream rather than fail
            tarC = reader.finish(stallTimeout);
            ExecResult tarX = writer.finish(stallTimeout);
            if (!tarX.succeeded()) {
                throw new IOException("tar -x on " + target.name() + " exited " + tarX.exitCode() + ": "
                        + tarX.stderr().strip());
            }
        } catch (dev.baton.common.ssh.SshFailure e) {
            throw new IOException(e.getMessage(), e);
        }
        if (tarC.exitCode() > 2 || tarC.exitCode() < 0) {
            throw new IOException("tar -c on " + source.name() + " exited " + tarC.exitCode() + ": " + tarC.stderr().strip());
        }
        // exit 1: "file changed as we read it"; exit 2: a file vanished or was unreadable (it is missing
        // from the stream). Either way the checks below find the files concerned.
        reread.addAll(pending.values());
        long streamedAt = clock.millis();

        Map<String, String> onTarget;
        Map<String, long[]> onSource;
        java.util.concurrent.CompletableFuture<Map<String, long[]>> stat = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        long t0 = System.nanoTime();
                        Map<String, long[]> r = statSource(source, streamed);
                        LOG.debugf("stat on %s: %d ms", source.name(), (System.nanoTime() - t0) / 1_000_000);
                        return r;
                    } catch (IOException | SyncFailed e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, command -> {
                    Thread t = new Thread(command, "state-sync-stat-" + source.name());
                    t.setDaemon(true);
                    t.start();
                });
        try {
            long t0 = System.nanoTime();
            onTarget = linkFlushAndHash(target, staging, previous != null && !link.isEmpty() ? previous : null, streamed,
                    streamed.size() <= FSYNC_EACH_LIMIT ? flushList : null, flushEntries);
            LOG.debugf("link, flush and hash on %s: %d ms", target.name(), (System.nanoTime() - t0) / 1_000_000);
        } finally {
            try {
                onSource = stat.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof SyncFailed f) {
                    throw f;
                }
                throw e;
            }
        }

        LOG.debugf("%s -> %s stream: %d files / %d bytes in %d ms, flush+hash and stat %d ms", source.name(),
                target.name(), streamed.size(), bytes, streamedAt - startedAt, clock.millis() - streamedAt);
        Map<String, Manifest.Item> copied = new LinkedHashMap<>();
        List<SourceEntry> mismatched = new ArrayList<>();
        long racySince = startedAt - racyWindow.toMillis();
        for (Streamed s : streamed) {
            SourceEntry e = s.entry();
            long[] now = onSource.get(e.readPath());
            // the manifest keeps the listing's mtime (its precision is the SFTP server's) unless the file was
            // replaced between the listing and tar, in which case the stream carried the newer, whole file
            boolean asListed = s.size() == e.size() && s.mtimeSeconds() == Math.floorDiv(e.mtime(), 1000);
            long mtime = asListed ? e.mtime() : s.mtimeSeconds() * 1000;
            boolean stable = now != null && now[0] == s.size() && now[1] == s.mtimeSeconds();
            // tar saw some file change while reading: one modified within the same second cannot be told apart
            if (stable && tarC.exitCode() != 0 && mtime >= racySince) {
                stable = false;
            }
            if (!stable) {
                LOG.debugf("%s changed while it was streamed; reading it again", e.rel());
                reread.add(e);
                continue;
            }
            if (!s.sha256().equals(onTarget.get(e.rel()))) {
                mismatched.add(e);
                continue;
            }
            copied.put(e.rel(), new Manifest.Item(false, s.size(), mtime, s.mode(), s.sha256(), mtime >= racySince));
        }
        return new Outcome(copied, reread, mismatched, bytes);
    }

    /** A NUL-separated list for the target's commands, as a 0600 file at the top of staging. */
    private static void putList(TarArchiveOutputStream out, String name, byte[] list) throws IOException {
        TarArchiveEntry o = new TarArchiveEntry(name);
        o.setSize(list.length);
        o.setMode(0100600);
        out.putArchiveEntry(o);
        out.write(list);
        out.closeArchiveEntry();
    }

    /** {@code tar -c} of the names on stdin, relative to the root; links to files are sent as the files. */
    private static String createCommand(String root) {
        return "LC_ALL=C tar -c -f - -C " + SshConnection.shellQuote(root) + " --format=gnu --no-recursion"
                + " --hard-dereference --null --verbatim-files-from --no-unquote -T -";
    }

    /** {@code tar -x} into staging, modes as sent; ownership only when asked (needs root). */
    private String extractCommand(String staging) {
        // GNU tar's default replaces an existing file by a new one (unlink, then create), so nothing is ever
        // written through a name that could be a hard link into a snapshot; directories are kept, which lets
        // two streams fill one staging directory side by side
        return "LC_ALL=C tar -x -f - -C " + SshConnection.shellQuote(staging) + " -p "
                + (preserveOwnership ? "--same-owner --numeric-owner" : "--no-same-owner");
    }

    /**
     * One command on the target: hard-link the unchanged files from the previous snapshot (their list
     * came in the stream), flush (everything staged, links and directories included, is durable before
     * the switch: an fsync of each file and directory of the cycle, or one syncfs for a big one), then
     * the SHA-256 of every file written, as the target's disk returns it.
     */
    private Map<String, String> linkFlushAndHash(Site target, String staging, String linkFrom,
            List<Streamed> streamed, String flushList, int flushEntries) throws IOException, SyncFailed {
        List<String> rels = new ArrayList<>(streamed.size());
        for (Streamed s : streamed) {
            rels.add(s.entry().rel());
        }
        String stagingQ = SshConnection.shellQuote(staging);
        String links = linkFrom == null ? "" : "cd -- " + SshConnection.shellQuote(linkFrom) + " && xargs -0 -r -a "
                + SshConnection.shellQuote(staging + "/" + LINKS) + " cp -l --parents -t " + stagingQ + " -- && rm -f -- "
                + SshConnection.shellQuote(staging + "/" + LINKS) + " && ";
        Site.Output out = target.run(links + "cd -- " + stagingQ
                + (flushList != null ? " && xargs -0 -r -P " + FSYNC_PARALLEL + " -n "
                        + Math.max(1, (flushEntries + FSYNC_PARALLEL - 1) / FSYNC_PARALLEL) + " -a " + flushList
                        + " sync -- && rm -f -- " + flushList
                        : " && { sync -f . 2>/dev/null || sync; }")
                + " && LC_ALL=C " + target.sha256Command(), names(rels), commandTimeout);
        if (!out.result().succeeded()) {
            throw new IOException("flush and hash on " + target.name() + " exited " + out.result().exitCode() + ": "
                    + out.stderr().strip());
        }
        return hashes(out.stdout());
    }

    /** Size and mtime (seconds) of every file read, by read path, as the source has them now. */
    private Map<String, long[]> statSource(Site source, List<Streamed> streamed) throws IOException, SyncFailed {
        if (streamed.isEmpty()) {
            return Map.of();
        }
        List<String> paths = new ArrayList<>(streamed.size());
        for (Streamed s : streamed) {
            paths.add(s.entry().readPath());
        }
        Site.Output out = source.run("LC_ALL=C xargs -0 -r stat --printf '%s %Y %n\\0' --", names(paths),
                commandTimeout);
        // exit 1 with a message: a file vanished since it was read; it is simply missing below
        Map<String, long[]> now = new HashMap<>();
        for (String line : nulSeparated(out.stdout())) {
            int a = line.indexOf(' ');
            int b = line.indexOf(' ', a + 1);
            if (a > 0 && b > a) {
                now.put(line.substring(b + 1), new long[] {Long.parseLong(line.substring(0, a)),
                        Long.parseLong(line.substring(a + 1, b))});
            }
        }
        return now;
    }

    /**
     * Parses {@link Site#sha256Command()} output by name: {@code <64 hex><space><space or *><name>} per line.
     * A name sha256sum had to escape (a backslash in it) starts its line with {@code \}; it is left out,
     * so that file counts as not verified and goes the one-by-one way.
     */
    static Map<String, String> hashes(byte[] output) {
        Map<String, String> hashes = new HashMap<>();
        for (String line : Site.text(output).split("\n")) {
            if (line.length() > 66 && line.charAt(64) == ' ') {
                hashes.put(line.substring(66), line.substring(0, 64));
            }
        }
        return hashes;
    }

    private static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "." : rel.substring(0, slash);
    }

    static byte[] names(Iterable<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String n : names) {
            out.writeBytes(n.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    static List<String> nulSeparated(byte[] bytes) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                out.add(new String(bytes, from, i - from, StandardCharsets.UTF_8));
                from = i + 1;
            }
        }
        return out;
    }

    private static void feedInBackground(RemoteCommand command, byte[] data, String site) {
        Thread t = new Thread(() -> {
            try {
                command.feed(data);
            } catch (IOException e) {
                // the command died; reading its output fails and reports it
                LOG.debugf("feeding tar on %s failed: %s", site, e.getMessage());
            }
        }, "state-sync-feed-" + site);
        t.setDaemon(true);
        t.start();
    }

    /** The tar stream must stay open across entries whatever a hook wrapping it does on close. */
    private static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
                // no flush either: each flush waits for the SSH layer, a pause per file
            }
        };
    }

    /**
     * Cuts a stream's two commands when no byte moved for {@link #stallTimeout}: a site that hangs without
     * closing its connection (a frozen host, a black-holed route) would otherwise hold the cycle, and every
     * later cycle to that target, until TCP gave up. Progress is a read from the source or a chunk taken by
     * the target, whichever came last; the closed channels fail the blocked read or write, and
     * {@link #explain} turns that failure into one that says what happened.
     */
    private final class Watchdog implements AutoCloseable {
        private final String source;
        private final String target;
        private final RemoteCommand reader;
        private final RemoteCommand writer;
        private final java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        private final ScheduledFuture<?> check;
        private volatile boolean fired;

        Watchdog(String source, String target, RemoteCommand reader, RemoteCommand writer) {
            this.source = source;
            this.target = target;
            this.reader = reader;
            this.writer = writer;
            long period = Math.max(10, Math.min(1000, stallTimeout.toMillis() / 4));
            this.check = watchdogs.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
        }

        void moved() {
            last.set(System.nanoTime());
        }

        private void check() {
            if (!fired && System.nanoTime() - last.get() >= stallTimeout.toNanos()) {
                fired = true;
                LOG.warnf("stream %s -> %s moved no data for %d ms; cutting it", source, target, stallTimeout.toMillis());
                reader.close();
                writer.close();
            }
        }

        void failIfFired() throws IOException {
            if (fired) {
                throw explain(new IOException("stream cut"));
            }
        }

        IOException explain(IOException failure) {
            if (!fired) {
                return failure;
            }
            return new IOException("the stream " + source + " -> " + target + " moved no data for "
                    + stallTimeout.toMillis() + " ms (transfer.stall-timeout): a site stopped answering without closing"
                    + " the connection", failure);
        }

        void cancel() {
            check.cancel(false);
        }

        @Override
        public void close() {
            cancel();
        }
    }
}
