package dev.baton.statesync.sync;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.jboss.logging.Logger;

/**
 * Lists the sync set on the source with one SFTP directory walk: names, sizes, mtimes and modes
 * come with each {@code readdir} batch, so a poll of 1,000 files is a handful of round trips.
 * Symlinks are followed only while they stay inside the root; one pointing outside refuses the cycle.
 */
final class SourceWalker {
    private static final Logger LOG = Logger.getLogger(SourceWalker.class);
    private static final int MAX_LINK_HOPS = 8;

    /** Lists directories; {@code lane} picks the SFTP channel so several listings run at once. */
    interface Lister {
        List<SftpClient.DirEntry> list(String dir, int lane) throws IOException, SyncFailed;
    }

    private record Dir(String rel, String path) {
    }

    /**
     * Lists whole directory trees in one command on the source ({@code find -printf}), when the site
     * runs commands: one round trip instead of one {@code readdir} exchange per directory. Returns
     * the raw output (NUL-terminated records), or null when it cannot (the SFTP walk is used then).
     */
    interface Finder {
        byte[] find(List<String> dirs) throws IOException, SyncFailed;
    }

    /** The {@code find} format {@link #fromFind} reads: type, mode, size, mtime, uid, gid, path. */
    static final String FIND_FORMAT = "%y %m %s %T@ %U %G %p\\0";

    private final Sftp sftp;
    private final String root;
    private final SyncSet set;
    private final List<SourceEntry> out = new ArrayList<>();
    private final List<Dir> pending = new ArrayList<>();

    private SourceWalker(Sftp sftp, String root, SyncSet set) {
        this.sftp = sftp;
        this.root = root;
        this.set = set;
    }

    /**
     * Walks level by level; the directories of one level are listed in parallel on {@code lanes}
     * channels (a 100-directory tree costs a few round trips per level, not per directory).
     */
    static List<SourceEntry> walk(Sftp sftp, String root, SyncSet set, Lister lister, java.util.concurrent.Executor executor,
            int lanes, Finder finder) throws IOException, SyncRefused, SyncFailed {
        SourceWalker w = new SourceWalker(sftp, root, set);
        for (String rel : set.paths()) {
            w.top(rel);
        }
        for (SyncSet.NewestGlob glob : set.newest()) {
            w.newest(glob);
        }
        if (finder != null && !w.pending.isEmpty()) {
            List<String> dirs = new ArrayList<>();
            for (Dir d : w.pending) {
                dirs.add(d.path());
            }
            byte[] found = finder.find(dirs);
            if (found != null) {
                List<SourceEntry> below = w.fromFind(found);
                if (below != null) {
                    w.pending.clear();
                    w.out.addAll(below);
                }
            }
        }
        while (!w.pending.isEmpty()) {
            List<Dir> level = new ArrayList<>(w.pending);
            w.pending.clear();
            List<java.util.concurrent.CompletableFuture<List<SftpClient.DirEntry>>> listings = new ArrayList<>();
            for (int i = 0; i < level.size(); i++) {
                Dir d = level.get(i);
                int lane = i % lanes;
                java.util.concurrent.CompletableFuture<List<SftpClient.DirEntry>> f = new java.util.concurrent.CompletableFuture<>();
                executor.execute(() -> {
                    try {
                        f.complete(lister.list(d.path(), lane));
                    } catch (Exception | Error e) {
                        f.completeExceptionally(e);
                    }
                });
                listings.add(f);
            }
            for (int i = 0; i < level.size(); i++) {
                w.children(level.get(i), join(listings.get(i)));
            }
        }
        return List.copyOf(w.out);
    }

    private static List<SftpClient.DirEntry> join(java.util.concurrent.CompletableFuture<List<SftpClient.DirEntry>> f)
            throws IOException, SyncFailed {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("walk interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof SyncFailed sf) {
                throw sf;
            }
            throw new IOException(e.getCause());
        }
    }

    private void top(String rel) throws IOException, SyncRefused {
        if (set.excluded(rel)) {
            return;
        }
        checkParents(rel);
        String path = SitePaths.join(root, rel);
        Optional<Attributes> a = sftp.lstat(path);
        if (a.isEmpty()) {
            return;
        }
        add(rel, path, a.get());
    }

    private void newest(SyncSet.NewestGlob glob) throws IOException, SyncRefused {
        checkParents(glob.dir().isEmpty() ? "x" : glob.dir() + "/x");
        String dir = SitePaths.join(root, glob.dir());
        Optional<Attributes> d = sftp.lstat(dir);
        if (d.isEmpty() || !d.get().isDirectory()) {
            return;
        }
        SftpClient.DirEntry best = null;
        for (SftpClient.DirEntry e : sftp.list(dir)) {
            Attributes a = e.getAttributes();
            if (!a.isRegularFile() || !SitePaths.isSafeName(e.getFilename())
                    || !glob.matcher().matches(Path.of(e.getFilename()))) {
                continue;
            }
            if (best == null || mtime(a) > mtime(best.getAttributes())
                    || (mtime(a) == mtime(best.getAttributes()) && e.getFilename().compareTo(best.getFilename()) > 0)) {
                best = e;
            }
        }
        if (best != null) {
            String rel = glob.dir().isEmpty() ? best.getFilename() : glob.dir() + "/" + best.getFilename();
            if (!set.excluded(rel)) {
                out.add(file(rel, SitePaths.join(dir, best.getFilename()), best.getAttributes()));
            }
        }
    }

    /** Parent directories of a configured path must not be symlinks leading out of the root. */
    private void checkParents(String rel) throws IOException, SyncRefused {
        String[] segments = rel.split("/");
        String path = root;
        for (int i = 0; i < segments.length - 1; i++) {
            path = SitePaths.join(path, segments[i]);
            Optional<Attributes> a = sftp.lstat(path);
            if (a.isPresent() && a.get().isSymbolicLink()) {
                resolve(path);
            }
        }
    }

    private void add(String rel, String path, Attributes a) throws IOException, SyncRefused {
        if (a.isSymbolicLink()) {
            String target = resolve(path);
            Attributes t = sftp.lstat(target).orElse(null);
            if (t == null) {
                return; // dangling link: nothing to replicate
            }
            if (t.isDirectory()) {
                if (rel.contains("/")) {
                    LOG.warnf("skipping %s: symlinked directories inside the sync set are not replicated", rel);
                    return;
                }
                // a configured top-level path may be a link into the root, e.g. state -> .baton/current/state
                dir(rel, target, t);
                return;
            }
            if (t.isRegularFile()) {
                out.add(file(rel, target, t));
            }
            return;
        }
        if (a.isDirectory()) {
            dir(rel, path, a);
        } else if (a.isRegularFile()) {
            out.add(file(rel, path, a));
        }
    }

    private void dir(String rel, String path, Attributes a) {
        out.add(new SourceEntry(rel, true, 0, mtime(a), mode(a), a.getUserId(), a.getGroupId(), path));
        pending.add(new Dir(rel, path));
    }

    /**
     * The entries below the pending directories from {@code find}'s output, with the same rules as the
     * SFTP walk (unsafe names refuse the cycle, excludes prune whole subtrees, mtimes in whole seconds as
     * SFTP v3 reports them); null if the trees hold a symlink or anything unexpected — the SFTP walk,
     * which follows links only inside the root, decides then.
     */
    private List<SourceEntry> fromFind(byte[] output) throws SyncRefused {
        List<SourceEntry> found = new ArrayList<>();
        java.util.Set<String> skipped = new java.util.HashSet<>();
        for (String record : StreamCopy.nulSeparated(output)) {
            String[] f = record.split(" ", 7);
            if (f.length != 7 || f[0].length() != 1) {
                return null;
            }
            char type = f[0].charAt(0);
            if (type == 'l') {
                return null;
            }
            Dir start = null;
            for (Dir d : pending) {
                if (f[6].startsWith(d.path() + "/") && (start == null || d.path().length() > start.path().length())) {
                    start = d;
                }
            }
            if (start == null) {
                return null;
            }
            String below = f[6].substring(start.path().length() + 1);
            String rel = start.rel() + "/" + below;
            String parent = rel.substring(0, rel.lastIndexOf('/'));
            if (!SitePaths.isSafeName(rel.substring(rel.lastIndexOf('/') + 1))) {
                throw new SyncRefused(SyncRefused.Reason.PATH_ESCAPE, "refused: the source listed an unsafe name in "
                        + parent);
            }
            if (skipped.contains(parent) || set.excluded(rel)) {
                skipped.add(rel); // find lists parents before their children: the subtree goes too
                continue;
            }
            int mode;
            long size;
            long mtime;
            int uid;
            int gid;
            try {
                mode = Integer.parseInt(f[1], 8) & 07777;
                size = Long.parseLong(f[2]);
                int dot = f[3].indexOf('.');
                mtime = Long.parseLong(dot < 0 ? f[3] : f[3].substring(0, dot)) * 1000;
                uid = Integer.parseInt(f[4]);
                gid = Integer.parseInt(f[5]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (type == 'd') {
                found.add(new SourceEntry(rel, true, 0, mtime, mode, uid, gid, f[6]));
            } else if (type == 'f') {
                found.add(new SourceEntry(rel, false, size, mtime, mode, uid, gid, f[6]));
            }
            // sockets, fifos, devices: not replicated, as in the SFTP walk
        }
        return found;
    }

    private void children(Dir dir, List<SftpClient.DirEntry> entries) throws IOException, SyncRefused {
        for (SftpClient.DirEntry e : entries) {
            String name = e.getFilename();
            if (!SitePaths.isSafeName(name)) {
                throw new SyncRefused(SyncRefused.Reason.PATH_ESCAPE, "refused: the source listed an unsafe name "
                        + "in " + dir.rel());
            }
            String childRel = dir.rel() + "/" + name;
            if (set.excluded(childRel)) {
                continue;
            }
            add(childRel, SitePaths.join(dir.path(), name), e.getAttributes());
        }
    }

    /** Follows a symlink chain; refuses the cycle if any hop leaves the root. */
    private String resolve(String link) throws IOException, SyncRefused {
        String current = link;
        for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
            Optional<String> target = sftp.readLink(current);
            if (target.isEmpty()) {
                return current;
            }
            Optional<String> next = SitePaths.resolveLink(root, current, target.get());
            if (next.isEmpty()) {
                throw new SyncRefused(SyncRefused.Reason.PATH_ESCAPE, "refused: " + SitePaths.relativeTo(root, link)
                        + " is a symlink pointing outside the site root (" + target.get() + ")");
            }
            current = next.get();
            Optional<Attributes> a = sftp.lstat(current);
            if (a.isEmpty() || !a.get().isSymbolicLink()) {
                return current;
            }
        }
        throw new SyncRefused(SyncRefused.Reason.PATH_ESCAPE, "refused: " + SitePaths.relativeTo(root, link)
                + " is a symlink chain longer than " + MAX_LINK_HOPS + " hops");
    }

    private static SourceEntry file(String rel, String path, Attributes a) {
        return new SourceEntry(rel, false, a.getSize(), mtime(a), mode(a), a.getUserId(), a.getGroupId(), path);
    }

    static long mtime(Attributes a) {
        return a.getModifyTime() == null ? 0 : a.getModifyTime().toMillis();
    }

    static int mode(Attributes a) {
        return a.getPermissions() & 07777;
    }
}
