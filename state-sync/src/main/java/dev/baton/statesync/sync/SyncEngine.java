package dev.baton.statesync.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.jboss.logging.Logger;

/**
 * One replication cycle from a source site to a target site, atomic and whole.
 *
 * <p>Layout on the target (all under {@code <root>/.baton}, mode 0700):
 * {@code snapshots/<id>/} holds one complete version of the sync set; {@code current} is a symlink
 * to the live snapshot; each configured path ({@code <root>/state}, {@code <root>/.env}) is a
 * symlink into {@code .baton/current/}. A cycle stages a new version in {@code staging/<id>/}
 * (unchanged files hard-linked from the previous version, changed files written, fsynced and
 * verified by SHA-256 against the source), renames it to {@code snapshots/<id>}, then switches
 * {@code current} with one atomic rename of a new symlink over it. A reader therefore sees either
 * the whole previous version or the whole new one; a cycle cut at any point leaves the previous one.
 *
 * <p>Not thread-safe per target: the caller serialises cycles to the same target.
 */
public final class SyncEngine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SyncEngine.class);
    private static final DateTimeFormatter ID_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    public static final Pattern SNAPSHOT_ID = Pattern.compile("\\d{8}T\\d{6}\\.\\d{3}Z(-\\d{1,6})?");
    /** Racy files up to this size are read twice and compared, so a rewrite within one mtime tick is caught. */
    private static final long DOUBLE_READ_LIMIT = 1 << 20;
    /** Tar streams side by side for a big copy (see {@link #streamAll}). */
    private static final int STREAMS = 2;
    /** A copy at least this big is split over {@link #STREAMS} streams. */
    private static final long SPLIT_BYTES = 16L << 20;

    /** Tuning and policy, from configuration. */
    public record Options(int keep, double deleteThreshold, int parallelism, int readAttempts, int verifyAttempts,
            Duration racyWindow, boolean preserveOwnership, Duration stallTimeout, Duration commandTimeout) {
    }

    /** Counters a caller may export; incremented as events happen. */
    public interface Events {
        Events NONE = new Events() {
        };

        default void checksumMismatch(String target) {
        }

        default void tornRead(String source) {
        }

        /** {@code files} reached {@code target} staged and verified through the stream transport. */
        default void streamed(String target, int files) {
        }
    }

    private final SyncSet set;
    private final Options options;
    private final TransferHooks hooks;
    private final Events events;
    private final Clock clock;
    private final ExecutorService workers;
    private final StreamCopy stream;
    private final ExecutorService pruner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "state-sync-prune");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Future<?>> pruning = new ConcurrentHashMap<>();
    /** Targets whose configured paths this engine has made symlinks into {@code current/}. */
    private final java.util.Set<String> linked = ConcurrentHashMap.newKeySet();
    private final Map<String, Manifest> current = new ConcurrentHashMap<>();

    public SyncEngine(SyncSet set, Options options, TransferHooks hooks, Events events, Clock clock) {
        this.set = set;
        this.options = options;
        this.hooks = hooks;
        this.events = events;
        this.clock = clock;
        this.stream = new StreamCopy(hooks, options.racyWindow(), options.preserveOwnership(), options.stallTimeout(),
                options.commandTimeout(), clock);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(options.parallelism(), r -> {
            Thread t = new Thread(r, "state-sync-transfer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Brings {@code target} to the source's current state, or does nothing if nothing changed.
     * Blocking. The caller has checked that {@code source} is the active site of {@code epoch}.
     *
     * @throws SyncRefused nothing was changed because changing it could lose state
     * @throws SyncFailed  the cycle broke off; the target still shows its previous complete version
     */
    public CycleResult cycle(Site source, Site target, long epoch) throws SyncRefused, SyncFailed {
        try {
            return run(source, target, epoch);
        } catch (SyncRefused | SyncFailed e) {
            current.remove(target.name());
            linked.remove(target.name());
            throw e;
        }
    }

    private CycleResult run(Site source, Site target, long epoch) throws SyncRefused, SyncFailed {
        Sftp src = source.sftp();
        source.streams(); // probed before the listing opens its SFTP channels (a streaming site keeps fewer)
        long listedAt = clock.millis();
        List<SourceEntry> entries;
        try {
            entries = SourceWalker.walk(src, source.root(), set, (dir, lane) -> source.channel(lane).list(dir), workers,
                    options.parallelism(), source.streams() ? dirs -> find(source, dirs) : null);
        } catch (IOException e) {
            source.disconnect();
            throw new SyncFailed("listing " + source.name() + " failed: " + e.getMessage(), e);
        }
        Manifest before = current.get(target.name());
        if (before == null) {
            before = loadCurrent(target);
        }
        CyclePlan plan = CyclePlan.of(entries, before);
        if (plan.isNoop()) {
            // nothing to copy, but the target must still be there: its kept-open session (free when it is up)
            // or a new one, so a standby that went away fails the cycle instead of passing for current
            target.sftp();
            return new CycleResult(null, 0, 0, before.fileCount(), 0, List.of(), listedAt);
        }
        plan.checkDeletions(before.fileCount(), options.deleteThreshold(), target.name());

        Map<String, Manifest.Item> items = new TreeMap<>();
        List<SourceEntry> link = new ArrayList<>(plan.unchanged());
        List<SourceEntry> copy = new ArrayList<>(plan.copy());
        Map<String, Manifest.Item> old = before.entries();
        for (SourceEntry e : plan.unchanged()) {
            items.put(e.rel(), old.get(e.rel()));
        }
        old.forEach((rel, item) -> {
            if (item.directory()) {
                items.put(rel, item);
            }
        });
        long checkedAt = clock.millis();
        // racy files: hash them on the source; identical content is linked, not copied
        Map<String, Optional<Manifest.Item>> rehashed;
        try {
            rehashed = plan.check().isEmpty() ? Map.of()
                    : source.streams() ? hashOnSource(source, plan.check())
                    : parallel(plan.check(), (e, lane) -> hashSource(source.channel(lane), source, e));
        } catch (IOException e) {
            source.disconnect();
            throw new SyncFailed("reading " + source.name() + " failed: " + e.getMessage(), e);
        }
        for (SourceEntry e : plan.check()) {
            Optional<Manifest.Item> now = rehashed.get(e.rel());
            Manifest.Item was = old.get(e.rel());
            if (now.isPresent() && now.get().sha256().equals(was.sha256()) && now.get().mtime() == was.mtime()
                    && now.get().size() == was.size()) {
                items.put(e.rel(), was.withRacy(now.get().racy()));
                link.add(e);
            } else {
                copy.add(e);
            }
        }
        LOG.debugf("%s: listed %d entries in %d ms, %d racy re-hashed in %d ms", source.name(), entries.size(),
                checkedAt - listedAt, plan.check().size(), clock.millis() - checkedAt);
        if (copy.isEmpty() && plan.deleted().isEmpty() && !plan.dirsChanged()) {
            current.put(target.name(), before.with(items));
            return new CycleResult(null, 0, 0, before.fileCount(), 0, List.of(), listedAt);
        }
        try {
            return write(src, source, target, epoch, entries, before, items, link, copy, plan, listedAt);
        } catch (IOException e) {
            // both sessions are reopened: streams abandoned mid-transfer leave the source channel in an unknown state
            target.disconnect();
            source.disconnect();
            throw new SyncFailed("cycle " + source.name() + " -> " + target.name() + " broke off: " + e.getMessage()
                    + "; " + target.name() + " keeps its previous version", e);
        }
    }

    private CycleResult write(Sftp src, Site source, Site target, long epoch, List<SourceEntry> entries,
            Manifest before, Map<String, Manifest.Item> items, List<SourceEntry> link, List<SourceEntry> copy,
            CyclePlan plan, long listedAt) throws IOException, SyncRefused, SyncFailed {
        long started = System.nanoTime();
        Sftp dst = target.sftp();
        TargetLayout layout = new TargetLayout(target.root());
        checkEpoch(dst, layout, target.name(), epoch);
        layout.prepare(dst);

        String id = nextId(before.id());
        String staging = layout.staging(id);
        dst.mkdir(staging);
        List<SourceEntry> dirs = entries.stream().filter(SourceEntry::directory).toList();
        TreeSet<String> dirRels = new TreeSet<>();
        for (SourceEntry d : dirs) {
            dirRels.add(d.rel());
        }
        for (SourceEntry e : entries) {
            String parent = SitePaths.parent("/" + e.rel());
            for (String p = parent; !p.isEmpty(); p = SitePaths.parent(p)) {
                dirRels.add(p.substring(1));
            }
        }
        String previous = before.isEmpty() ? null : layout.snapshot(before.id());
        // the stream creates directories and links too, unless a directory is read-only for its owner
        // (then it must be filled before its mode is set, which the SFTP path below does)
        boolean streaming = !copy.isEmpty() && source.streams() && target.streams()
                && dirs.stream().allMatch(d -> (d.mode() & 0200) != 0);
        if (streaming) {
            // parents tar -x does not get as entries (e.g. backups/ of a newest glob)
            java.util.Set<String> streamedDirs = new java.util.HashSet<>();
            dirs.forEach(d -> streamedDirs.add(d.rel()));
            for (String d : dirRels) {
                if (!streamedDirs.contains(d)) {
                    dst.mkdir(SitePaths.join(staging, d));
                }
            }
        } else {
            for (String d : dirRels) {
                dst.mkdir(SitePaths.join(staging, d));
            }
        }
        List<String> unstable = Collections.synchronizedList(new ArrayList<>());
        List<SourceEntry> fallbackCopy = Collections.synchronizedList(new ArrayList<>());
        if (streaming) {
            // linked by the stream's target command
        } else if (dst.supportsHardlinks()) {
            List<String[]> pairs = new ArrayList<>(link.size());
            for (SourceEntry e : link) {
                pairs.add(new String[] {SitePaths.join(previous, e.rel()), SitePaths.join(staging, e.rel())});
            }
            dst.hardlinkAll(pairs);
        } else {
            fallbackCopy.addAll(link);
        }
        copy.addAll(fallbackCopy);
        long staged = System.nanoTime();
        // the stream carries the bulk; what it could not deliver cleanly goes one by one over SFTP,
        // counting the stream as the first read and (for a checksum mismatch) the first write
        Map<String, Optional<Manifest.Item>> copied = new LinkedHashMap<>();
        List<SourceEntry> oneByOne = copy;
        Map<String, Integer> writesDone = new java.util.HashMap<>();
        Map<String, Integer> readsDone = new java.util.HashMap<>();
        if (streaming) {
            List<SourceEntry> sortedDirs = new ArrayList<>(dirs);
            sortedDirs.sort(Comparator.comparing(SourceEntry::rel));
            StreamCopy.Outcome streamed = streamAll(source, target, staging, previous, sortedDirs, link, copy);
            streamed.copied().forEach((rel, item) -> copied.put(rel, Optional.of(item)));
            events.streamed(target.name(), streamed.copied().size());
            oneByOne = new ArrayList<>(streamed.reread());
            for (SourceEntry e : streamed.reread()) {
                readsDone.put(e.rel(), 1);
                events.tornRead(source.name());
            }
            for (SourceEntry e : streamed.mismatched()) {
                events.checksumMismatch(target.name());
                LOG.warnf("checksum mismatch for %s on %s (write 1 of %d); writing it again", e.rel(), target.name(),
                        options.verifyAttempts());
                writesDone.put(e.rel(), 1);
                readsDone.put(e.rel(), 1);
                oneByOne.add(e);
            }
        }
        copied.putAll(parallel(oneByOne, (e, lane) -> {
            Sftp to = target.channel(lane);
            Optional<Manifest.Item> item = copyFile(source.channel(lane), source, to, target, e,
                    SitePaths.join(staging, e.rel()), writesDone.getOrDefault(e.rel(), 0) + 1,
                    readsDone.getOrDefault(e.rel(), 0) + 1);
            if (item.isEmpty() && old(before, e.rel()).isPresent() && previous != null) {
                // changed during every read: keep the previous version rather than ship a torn one
                unstable.add(e.rel());
                to.hardlink(SitePaths.join(previous, e.rel()), SitePaths.join(staging, e.rel()));
            }
            hooks.staged(e.rel());
            return item;
        }));
        long copiedAt = System.nanoTime();
        long bytes = 0;
        long files = 0;
        for (SourceEntry e : copy) {
            Optional<Manifest.Item> item = copied.getOrDefault(e.rel(), Optional.empty());
            if (item.isPresent()) {
                items.put(e.rel(), item.get());
                bytes += item.get().size();
                files++;
            } else if (unstable.contains(e.rel())) {
                items.put(e.rel(), old(before, e.rel()).get());
            }
        }
        // directory modes last (deepest first), so a read-only directory does not block its own filling
        List<SourceEntry> byDepth = new ArrayList<>(dirs);
        byDepth.sort(Comparator.comparing(SourceEntry::rel).reversed());
        for (SourceEntry d : byDepth) {
            if (!streaming) {
                Attributes a = times(new Attributes().perms(d.mode()), FileTime.fromMillis(d.mtime()));
                dst.client().setStat(SitePaths.join(staging, d.rel()), a);
            }
            items.put(d.rel(), new Manifest.Item(true, 0, d.mtime(), d.mode(), null, false));
        }
        Manifest next = new Manifest(id, epoch, clock.millis(), items);
        dst.writeAtomically(SitePaths.join(staging, Manifest.FILE_NAME), next.render().getBytes(StandardCharsets.UTF_8),
                0600);

        long held = checkEpoch(dst, layout, target.name(), epoch);
        dst.rename(staging, layout.snapshot(id));
        layout.switchTo(dst, id);
        if (linked.add(target.name())) {
            // once per target and engine: afterwards the paths are symlinks into current/ already
            layout.linkPaths(dst, set.paths(), id);
        }
        if (epoch > held || held == 0) { // 0: maybe no epoch file yet; the first sync writes one
            layout.raiseEpoch(dst, epoch);
        }
        current.put(target.name(), next);
        long switched = System.nanoTime();
        schedulePrune(target, layout, id);
        LOG.debugf("%s -> %s phases: stage+link %d ms (%d links), copy %d ms (%d files), switch %d ms",
                source.name(), target.name(), (staged - started) / 1_000_000, link.size(), (copiedAt - staged) / 1_000_000,
                copy.size(), (switched - copiedAt) / 1_000_000);
        LOG.debugf("cycle %s -> %s: snapshot %s, %d files / %d bytes copied, %d deleted", source.name(), target.name(),
                id, files, bytes, plan.deleted().size());
        return new CycleResult(id, files, bytes, next.fileCount(), plan.deleted().size(), List.copyOf(unstable), listedAt);
    }

    /**
     * A big copy goes as {@link #STREAMS} tar streams side by side (each a pair of tar processes and
     * SSH channels; the source's and target's CPUs and the two halves' verification overlap); a small
     * one, the common case, as one. Every stream carries the directories; the first also the link list.
     */
    private StreamCopy.Outcome streamAll(Site source, Site target, String staging, String previous,
            List<SourceEntry> dirs, List<SourceEntry> link, List<SourceEntry> copy) throws IOException, SyncFailed {
        long bytes = copy.stream().mapToLong(SourceEntry::size).sum();
        if (bytes < SPLIT_BYTES || copy.size() < 2 * STREAMS) {
            return stream.run(source, target, staging, previous, dirs, link, copy);
        }
        List<List<SourceEntry>> parts = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            parts.add(new ArrayList<>());
        }
        for (int i = 0; i < copy.size(); i++) {
            parts.get(i % STREAMS).add(copy.get(i));
        }
        List<Future<StreamCopy.Outcome>> running = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            List<SourceEntry> part = parts.get(i);
            boolean first = i == 0;
            // every stream carries the directories (tar -x keeps one that exists): a file of the second stream
            // must never arrive before the first stream has created its directory
            running.add(workers.submit(() -> stream.run(source, target, staging, first ? previous : null,
                    dirs, first ? link : List.of(), part)));
        }
        Map<String, Manifest.Item> copied = new LinkedHashMap<>();
        List<SourceEntry> reread = new ArrayList<>();
        List<SourceEntry> mismatched = new ArrayList<>();
        long total = 0;
        IOException ioFailure = null;
        SyncFailed syncFailure = null;
        for (Future<StreamCopy.Outcome> f : running) {
            try {
                StreamCopy.Outcome o = f.get();
                copied.putAll(o.copied());
                reread.addAll(o.reread());
                mismatched.addAll(o.mismatched());
                total += o.bytes();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("cycle interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io && ioFailure == null) {
                    ioFailure = io;
                } else if (e.getCause() instanceof SyncFailed sf && syncFailure == null) {
                    syncFailure = sf;
                } else if (ioFailure == null && syncFailure == null) {
                    ioFailure = new IOException(e.getCause());
                }
            }
        }
        if (syncFailure != null) {
            throw syncFailure;
        }
        if (ioFailure != null) {
            throw ioFailure;
        }
        return new StreamCopy.Outcome(copied, reread, mismatched, total);
    }

    /**
     * Pruning runs off the cycle's critical path (it was a fifth of a small cycle): the next cycle can
     * start while old snapshots are removed. Only snapshots older than {@code live} are removed, and a
     * later cycle links only from a newer one, so the two never touch the same files. Listing and
     * restoring snapshots wait for it; a failure is logged and the next cycle's prune tries again.
     */
    private void schedulePrune(Site target, TargetLayout layout, String live) {
        pruning.put(target.name(), pruner.submit(() -> {
            try {
                prune(target, layout, live);
            } catch (IOException | SyncFailed | RuntimeException e) {
                LOG.warnf("removing old snapshots on %s failed (tried again after the next cycle): %s", target.name(),
                        e.getMessage());
            }
        }));
    }

    /** Waits until the removal of old snapshots that the last cycle to {@code site} started has ended. */
    public void awaitPrune(String site) {
        Future<?> f = pruning.get(site);
        if (f != null) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // logged by the task
            }
        }
    }

    /** Deletes all but the newest {@code keep} snapshots (never the live one), files removed in parallel. */
    private void prune(Site target, TargetLayout layout, String live) throws IOException, SyncFailed {
        Sftp dst = target.sftp();
        List<String> expired = layout.expired(dst, options.keep(), live);
        if (!expired.isEmpty() && target.streams()) {
            // one command instead of a readdir per directory and a remove per file
            StringBuilder rm = new StringBuilder("rm -rf --");
            for (String id : expired) {
                rm.append(' ').append(dev.baton.common.ssh.SshConnection.shellQuote(layout.snapshot(id)));
            }
            Site.Output out = target.run(rm.toString(), new byte[0], options.commandTimeout());
            if (!out.result().succeeded()) {
                throw new IOException("removing old snapshots on " + target.name() + " failed: " + out.stderr().strip());
            }
            return;
        }
        for (String id : expired) {
            List<String> dirs = new ArrayList<>();
            List<String> files = new ArrayList<>();
            collect(dst, layout.snapshot(id), dirs, files);
            dst.removeAll(files);
            Collections.reverse(dirs);
            for (String d : dirs) {
                dst.client().rmdir(d);
            }
        }
    }

    private static void collect(Sftp sftp, String dir, List<String> dirs, List<String> files) throws IOException {
        dirs.add(dir);
        for (SftpClient.DirEntry e : sftp.list(dir)) {
            if (!SitePaths.isSafeName(e.getFilename())) {
                continue;
            }
            String path = SitePaths.join(dir, e.getFilename());
            if (e.getAttributes().isDirectory()) {
                collect(sftp, path, dirs, files);
            } else {
                files.add(path);
            }
        }
    }

    private static Optional<Manifest.Item> old(Manifest before, String rel) {
        return Optional.ofNullable(before.entries().get(rel));
    }

    /** @return the epoch the target holds (not above {@code epoch}, or the check refuses) */
    private long checkEpoch(Sftp dst, TargetLayout layout, String target, long epoch) throws IOException, SyncRefused,
            SyncFailed {
        long held = layout.epoch(dst, target);
        EpochGuard.checkTarget(target, held, epoch);
        return held;
    }

    /** The manifest of the target's current snapshot; empty if it has none (first sync). */
    private Manifest loadCurrent(Site target) throws SyncFailed {
        Sftp dst = target.sftp();
        try {
            TargetLayout layout = new TargetLayout(target.root());
            Optional<String> id = layout.currentId(dst);
            if (id.isEmpty()) {
                return Manifest.empty();
            }
            Optional<byte[]> text = dst.readIfExists(SitePaths.join(layout.snapshot(id.get()), Manifest.FILE_NAME));
            if (text.isEmpty()) {
                return Manifest.empty();
            }
            Manifest m = Manifest.parse(new String(text.get(), StandardCharsets.UTF_8));
            return m.id().equals(id.get()) ? m : Manifest.empty();
        } catch (IOException | IllegalArgumentException e) {
            target.disconnect();
            throw new SyncFailed("reading the current version on " + target.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** Hashes a source file without copying it (racy check); empty if it vanished or never held still. */
    private Optional<Manifest.Item> hashSource(Sftp src, Site source, SourceEntry e) throws IOException {
        for (int attempt = 1; attempt <= options.readAttempts(); attempt++) {
            long startedAt = clock.millis();
            Attributes before = statOrNull(src, e.readPath());
            if (before == null) {
                return Optional.empty();
            }
            String sha = hash(src, e.readPath());
            hooks.sourceRead(e.rel(), attempt);
            Attributes after = statOrNull(src, e.readPath());
            if (after != null && sameContentMeta(before, after)) {
                return Optional.of(item(after, sha, startedAt));
            }
            events.tornRead(source.name());
        }
        return Optional.empty();
    }

    /** {@code find} over the source's directory trees in one command; null if it did not succeed. */
    private byte[] find(Site source, List<String> dirs) throws IOException, SyncFailed {
        StringBuilder command = new StringBuilder("LC_ALL=C find");
        for (String d : dirs) {
            command.append(' ').append(dev.baton.common.ssh.SshConnection.shellQuote(d));
        }
        command.append(" -mindepth 1 -printf '").append(SourceWalker.FIND_FORMAT).append('\'');
        Site.Output out = source.run(command.toString(), new byte[0], options.commandTimeout());
        return out.result().succeeded() ? out.stdout() : null;
    }

    /**
     * The racy re-check in one command: {@code sha256sum} of every racy file on the source. A file
     * missing from the answer (vanished, unreadable) is empty, so it is copied (or its deletion seen)
     * through the usual path; a file rewritten meanwhile hashes differently and is copied.
     */
    private Map<String, Optional<Manifest.Item>> hashOnSource(Site source, List<SourceEntry> racy)
            throws IOException, SyncFailed {
        long startedAt = clock.millis();
        List<String> paths = new ArrayList<>(racy.size());
        for (SourceEntry e : racy) {
            paths.add(e.readPath());
        }
        Site.Output out = source.run("LC_ALL=C " + source.sha256Command(), StreamCopy.names(paths),
                options.commandTimeout());
        Map<String, String> byPath = StreamCopy.hashes(out.stdout());
        Map<String, Optional<Manifest.Item>> result = new LinkedHashMap<>();
        for (SourceEntry e : racy) {
            String sha = byPath.get(e.readPath());
            hooks.sourceRead(e.rel(), 1);
            result.put(e.rel(), sha == null ? Optional.empty() : Optional.of(new Manifest.Item(false, e.size(), e.mtime(),
                    e.mode(), sha, e.mtime() >= startedAt - options.racyWindow().toMillis())));
        }
        return result;
    }

    /**
     * Copies one file into staging: re-read while it changes under us, fsync, set mode and mtime,
     * then verify the SHA-256 on the target; rewrite on mismatch. Empty if the file vanished or
     * never held still.
     */
    private Optional<Manifest.Item> copyFile(Sftp src, Site source, Sftp dst, Site target, SourceEntry e, String to,
            int firstWrite, int firstRead) throws IOException, SyncFailed {
        for (int write = firstWrite; write <= options.verifyAttempts(); write++) {
            Optional<Manifest.Item> item = transfer(src, source, dst, e, to, write, write == firstWrite ? firstRead : 1);
            if (item.isEmpty()) {
                if (dst.lstat(to).isPresent()) {
                    dst.remove(to);
                }
                return item;
            }
            String remote = dst.sha256(to, item.get().size());
            if (remote.equals(item.get().sha256())) {
                return item;
            }
            events.checksumMismatch(target.name());
            LOG.warnf("checksum mismatch for %s on %s (write %d of %d); writing it again", e.rel(), target.name(),
                    write, options.verifyAttempts());
        }
        throw new SyncFailed("the SHA-256 of " + e.rel() + " on " + target.name() + " did not match the source after "
                + options.verifyAttempts() + " writes");
    }

    private Optional<Manifest.Item> transfer(Sftp src, Site source, Sftp dst, SourceEntry e, String to, int write,
            int firstRead) throws IOException {
        for (int attempt = firstRead; attempt <= options.readAttempts(); attempt++) {
            long startedAt = clock.millis();
            // first attempt: the listing's metadata (one request less); a change since is caught after the read
            Attributes before = attempt == 1 && write == 1 ? listed(e) : statOrNull(src, e.readPath());
            if (before == null || !before.isRegularFile()) {
                return Optional.empty();
            }
            if (before.getSize() <= Sftp.SMALL_FILE) {
                Optional<Optional<Manifest.Item>> small = transferSmall(src, source, dst, e, to, write, attempt, before,
                        startedAt);
                if (small.isPresent()) {
                    return small.get();
                }
                continue;
            }
            MessageDigest digest = Sftp.sha256();
            try (SftpClient.CloseableHandle handle = dst.create(to, SourceWalker.mode(before))) {
                try (InputStream in = src.read(e.readPath());
                        OutputStream out = hooks.targetStream(e.rel(), write, dst.output(to, handle))) {
                    byte[] buf = new byte[Sftp.IO_BUFFER];
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        digest.update(buf, 0, n);
                        out.write(buf, 0, n);
                    }
                } catch (SftpException missing) {
                    if (Sftp.isMissing(missing) && statOrNull(src, e.readPath()) == null) {
                        return Optional.empty();
                    }
                    throw missing;
                }
                String sha = HexFormat.of().formatHex(digest.digest());
                hooks.sourceRead(e.rel(), attempt);
                Attributes after = statOrNull(src, e.readPath());
                if (after == null) {
                    return Optional.empty();
                }
                boolean stable = sameContentMeta(before, after);
                if (stable && isRacy(after, startedAt) && after.getSize() <= DOUBLE_READ_LIMIT) {
                    stable = hash(src, e.readPath()).equals(sha);
                }
                if (!stable) {
                    events.tornRead(source.name());
                    LOG.debugf("%s changed while it was read (attempt %d); reading it again", e.rel(), attempt);
                    continue;
                }
                dst.fsync(handle);
                Attributes attrs = times(new Attributes().perms(SourceWalker.mode(after)), after.getModifyTime());
                if (options.preserveOwnership() && after.getUserId() >= 0) {
                    attrs.owner(after.getUserId(), after.getGroupId());
                }
                dst.setAttributes(handle, attrs);
                return Optional.of(item(after, sha, startedAt));
            }
        }
        LOG.warnf("%s on %s changed during each of %d reads; keeping its previous version this cycle", e.rel(),
                source.name(), options.readAttempts());
        return Optional.empty();
    }

    /**
     * A small file: read whole into memory (plain requests), checked for change, then written.
     * Empty means "changed while read, try again"; a present empty item means the file vanished.
     */
    private Optional<Optional<Manifest.Item>> transferSmall(Sftp src, Site source, Sftp dst, SourceEntry e, String to,
            int write, int attempt, Attributes before, long startedAt) throws IOException {
        byte[] data;
        try {
            data = src.readSmall(e.readPath(), before.getSize());
        } catch (SftpException missing) {
            if (Sftp.isMissing(missing)) {
                return Optional.of(Optional.empty());
            }
            throw missing;
        }
        String sha = HexFormat.of().formatHex(Sftp.sha256().digest(data));
        hooks.sourceRead(e.rel(), attempt);
        Attributes after = statOrNull(src, e.readPath());
        if (after == null) {
            return Optional.of(Optional.empty());
        }
        boolean stable = sameContentMeta(before, after) && after.getSize() == data.length;
        if (stable && isRacy(after, startedAt)) {
            stable = HexFormat.of().formatHex(Sftp.sha256().digest(src.readSmall(e.readPath(), after.getSize())))
                    .equals(sha);
        }
        if (!stable) {
            events.tornRead(source.name());
            LOG.debugf("%s changed while it was read (attempt %d); reading it again", e.rel(), attempt);
            return Optional.empty();
        }
        java.io.ByteArrayOutputStream staged = new java.io.ByteArrayOutputStream(data.length);
        try (OutputStream out = hooks.targetStream(e.rel(), write, staged)) {
            out.write(data);
        }
        try (SftpClient.CloseableHandle handle = dst.create(to, SourceWalker.mode(after))) {
            dst.writeSmall(handle, staged.toByteArray());
            dst.fsync(handle);
            Attributes attrs = times(new Attributes().perms(SourceWalker.mode(after)), after.getModifyTime());
            if (options.preserveOwnership() && after.getUserId() >= 0) {
                attrs.owner(after.getUserId(), after.getGroupId());
            }
            dst.setAttributes(handle, attrs);
        }
        return Optional.of(Optional.of(item(after, sha, startedAt)));
    }

    private Manifest.Item item(Attributes a, String sha, long readStartedAt) {
        return new Manifest.Item(false, a.getSize(), SourceWalker.mtime(a), SourceWalker.mode(a), sha,
                isRacy(a, readStartedAt));
    }

    private boolean isRacy(Attributes a, long readStartedAt) {
        return SourceWalker.mtime(a) >= readStartedAt - options.racyWindow().toMillis();
    }

    private static boolean sameContentMeta(Attributes a, Attributes b) {
        return a.getSize() == b.getSize() && SourceWalker.mtime(a) == SourceWalker.mtime(b);
    }

    private static String hash(Sftp sftp, String path) throws IOException {
        Attributes a = sftp.stat(path);
        if (a.getSize() <= Sftp.SMALL_FILE) {
            return HexFormat.of().formatHex(Sftp.sha256().digest(sftp.readSmall(path, a.getSize())));
        }
        MessageDigest digest = Sftp.sha256();
        try (InputStream in = sftp.read(path)) {
            byte[] buf = new byte[Sftp.IO_BUFFER];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Sets the modification time with an access time beside it: SFTP version 3 (OpenSSH's sftp-server) carries the two
     * only together, so a modification time sent alone is dropped and the copy keeps its write time.
     */
    static Attributes times(Attributes a, FileTime mtime) {
        return a.accessTime(mtime).modifyTime(mtime);
    }

    private static Attributes listed(SourceEntry e) {
        Attributes a = new Attributes();
        a.setType(SftpConstants.SSH_FILEXFER_TYPE_REGULAR);
        a.setSize(e.size());
        a.setModifyTime(FileTime.fromMillis(e.mtime()));
        a.setPermissions(SftpConstants.S_IFREG | e.mode());
        return a;
    }

    private static Attributes statOrNull(Sftp sftp, String path) throws IOException {
        try {
            return sftp.stat(path);
        } catch (SftpException e) {
            if (Sftp.isMissing(e)) {
                return null;
            }
            throw e;
        }
    }

    private String nextId(String previous) {
        String id = ID_FORMAT.format(Instant.ofEpochMilli(clock.millis()));
        if (previous.isEmpty() || id.compareTo(previous) > 0) {
            return id;
        }
        // same millisecond (or the clock stepped back): stay after the previous id
        int dash = previous.indexOf('-');
        String base = dash < 0 ? previous : previous.substring(0, dash);
        int n = dash < 0 ? 1 : Integer.parseInt(previous.substring(dash + 1)) + 1;
        return base + "-" + n;
    }

    /** The snapshots kept on a site, oldest first. */
    public List<SnapshotInfo> snapshots(Site site) throws SyncFailed {
        awaitPrune(site.name());
        Sftp sftp = site.sftp();
        try {
            TargetLayout layout = new TargetLayout(site.root());
            Optional<String> live = layout.currentId(sftp);
            List<SnapshotInfo> out = new ArrayList<>();
            for (String id : layout.snapshotIds(sftp)) {
                Optional<byte[]> text = sftp.readIfExists(SitePaths.join(layout.snapshot(id), Manifest.FILE_NAME));
                if (text.isEmpty()) {
                    continue;
                }
                Manifest m = Manifest.parse(new String(text.get(), StandardCharsets.UTF_8));
                out.add(new SnapshotInfo(site.name(), id, m.epoch(), Instant.ofEpochMilli(m.created()), m.fileCount(),
                        m.totalBytes(), live.filter(id::equals).isPresent()));
            }
            return out;
        } catch (IOException | IllegalArgumentException e) {
            site.disconnect();
            throw new SyncFailed("listing snapshots on " + site.name() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Makes snapshot {@code id} the live version of {@code site} with one atomic switch. Refused if
     * the site holds a newer epoch than {@code epoch}.
     *
     * @return the snapshot now live, or empty if no such snapshot exists
     */
    public Optional<SnapshotInfo> restore(Site site, String id, long epoch) throws SyncRefused, SyncFailed {
        if (!SNAPSHOT_ID.matcher(id).matches()) {
            throw new SyncRefused(SyncRefused.Reason.PATH_ESCAPE, "refused: " + id + " is not a snapshot id");
        }
        awaitPrune(site.name());
        Sftp sftp = site.sftp();
        try {
            TargetLayout layout = new TargetLayout(site.root());
            EpochGuard.checkTarget(site.name(), layout.epoch(sftp, site.name()), epoch);
            if (!layout.snapshotIds(sftp).contains(id)) {
                return Optional.empty();
            }
            current.remove(site.name());
            layout.switchTo(sftp, id);
            layout.linkPaths(sftp, set.paths(), id);
            return snapshots(site).stream().filter(s -> s.id().equals(id)).findFirst();
        } catch (IOException e) {
            site.disconnect();
            throw new SyncFailed("restoring " + id + " on " + site.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** Forgets what is cached about a site's current version (it is re-read on the next cycle). */
    public void forget(String site) {
        current.remove(site);
        linked.remove(site);
    }

    private interface Task<T> {
        /** {@code lane}: which SFTP channel of each site this task uses. */
        T run(SourceEntry e, int lane) throws Exception;
    }

    /** Runs {@code task} for every entry on the transfer pool; the first failure cancels the rest. */
    private <T> Map<String, T> parallel(List<SourceEntry> entries, Task<T> task) throws SyncFailed, IOException {
        Map<String, T> results = new LinkedHashMap<>();
        if (entries.isEmpty()) {
            return results;
        }
        List<Future<T>> futures = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            SourceEntry e = entries.get(i);
            int lane = i % options.parallelism();
            Callable<T> call = () -> task.run(e, lane);
            futures.add(workers.submit(call));
        }
        try {
            for (int i = 0; i < entries.size(); i++) {
                results.put(entries.get(i).rel(), futures.get(i).get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("cycle interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SyncFailed f) {
                throw f;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new SyncFailed("transfer failed: " + cause, cause);
        } finally {
            // no interrupts: an interrupted thread can break the shared SFTP channel for the next cycle;
            // queued tasks are dropped and running ones are awaited, so nothing outlives the cycle
            for (Future<T> f : futures) {
                f.cancel(false);
            }
            for (Future<T> f : futures) {
                if (!f.isCancelled()) {
                    try {
                        f.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException ignored) {
                        // the first failure is what the caller hears about
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        stream.close();
        pruner.shutdown();
        try {
            pruner.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }
}
