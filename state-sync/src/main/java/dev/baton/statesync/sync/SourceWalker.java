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

    private final Sftp sftp;
    private final String root;
    private final SyncSet set;
    private final List<SourceEntry> out = new ArrayList<>();

    private SourceWalker(Sftp sftp, String root, SyncSet set) {
        this.sftp = sftp;
        this.root = root;
        this.set = set;
    }

    static List<SourceEntry> walk(Sftp sftp, String root, SyncSet set) throws IOException, SyncRefused {
        SourceWalker w = new SourceWalker(sftp, root, set);
        for (String rel : set.paths()) {
            w.top(rel);
        }
        for (SyncSet.NewestGlob glob : set.newest()) {
            w.newest(glob);
        }
        return List.copyOf(w.out);
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

    private void dir(String rel, String path, Attributes a) throws IOException, SyncRefused {
        out.add(new SourceEntry(rel, true, 0, mtime(a), mode(a), a.getUserId(), a.getGroupId(), path));
        for (SftpClient.DirEntry e : sftp.list(path)) {
            String name = e.getFilename();
            if (!SitePaths.isSafeName(name)) {
                throw new SyncRefused(SyncRefused.Reason.PATH_ESCAPE, "refused: the source listed an unsafe name "
                        + "in " + rel);
            }
            String childRel = rel + "/" + name;
            if (set.excluded(childRel)) {
                continue;
            }
            add(childRel, SitePaths.join(path, name), e.getAttributes());
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
