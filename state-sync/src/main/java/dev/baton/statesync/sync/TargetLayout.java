package dev.baton.statesync.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;

/**
 * The files state-sync keeps under {@code <root>/.baton} on a site, and the few operations that
 * change which version is live. See {@link SyncEngine} for the protocol.
 */
final class TargetLayout {
    static final String CURRENT = "current";

    private final String root;
    private final String baton;

    TargetLayout(String root) {
        this.root = root;
        this.baton = SitePaths.join(root, SitePaths.BATON_DIR);
    }

    String snapshots() {
        return SitePaths.join(baton, "snapshots");
    }

    String snapshot(String id) {
        return SitePaths.join(snapshots(), id);
    }

    String staging(String id) {
        return SitePaths.join(SitePaths.join(baton, "staging"), id);
    }

    String epochFile() {
        return SitePaths.join(baton, "epoch");
    }

    /** Creates {@code .baton/} (0700: staged files, .env included, are never readable by others) and clears old staging. */
    void prepare(Sftp sftp) throws IOException {
        sftp.mkdir(baton);
        sftp.chmod(baton, 0700);
        sftp.mkdir(snapshots());
        String staging = SitePaths.join(baton, "staging");
        // leftovers of a cycle that broke off: never live, safe to drop
        sftp.removeTree(staging);
        sftp.mkdir(staging);
    }

    /** The epoch the site holds; 0 if it has none yet. */
    long epoch(Sftp sftp, String site) throws IOException, SyncFailed {
        Optional<byte[]> text = sftp.readIfExists(epochFile());
        if (text.isEmpty()) {
            return 0;
        }
        String value = new String(text.get(), StandardCharsets.UTF_8).trim();
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new SyncFailed("the epoch file " + epochFile() + " on " + site + " does not hold a number");
        }
    }

    /** Records {@code epoch} on the site unless it already holds a newer one; never lowers it. */
    void raiseEpoch(Sftp sftp, long epoch) throws IOException {
        Optional<byte[]> text = sftp.readIfExists(epochFile());
        long held = text.map(t -> parseOrZero(new String(t, StandardCharsets.UTF_8).trim())).orElse(0L);
        if (epoch > held || text.isEmpty()) {
            sftp.writeAtomically(epochFile(), (epoch + "\n").getBytes(StandardCharsets.UTF_8), 0644);
        }
    }

    private static long parseOrZero(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The id of the live snapshot, from the {@code current} symlink. */
    Optional<String> currentId(Sftp sftp) throws IOException {
        Optional<String> target = sftp.readLink(SitePaths.join(baton, CURRENT));
        if (target.isEmpty()) {
            return Optional.empty();
        }
        String t = target.get();
        String id = t.substring(t.lastIndexOf('/') + 1);
        return SyncEngine.SNAPSHOT_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    List<String> snapshotIds(Sftp sftp) throws IOException {
        List<String> ids = new ArrayList<>();
        if (sftp.lstat(snapshots()).isEmpty()) {
            return ids;
        }
        for (SftpClient.DirEntry e : sftp.list(snapshots())) {
            if (e.getAttributes().isDirectory() && SyncEngine.SNAPSHOT_ID.matcher(e.getFilename()).matches()) {
                ids.add(e.getFilename());
            }
        }
        ids.sort(String::compareTo);
        return ids;
    }

    /** The switch: a new symlink renamed over {@code current} in one atomic step. */
    void switchTo(Sftp sftp, String id) throws IOException {
        String next = SitePaths.join(baton, CURRENT + ".next");
        if (sftp.lstat(next).isPresent()) {
            sftp.remove(next);
        }
        sftp.symlink(next, "snapshots/" + id);
        sftp.replace(next, SitePaths.join(baton, CURRENT));
    }

    /**
     * Makes each configured path a symlink into {@code .baton/current/}. Done once per site: a path
     * that exists as a real file or directory (a site never synced before) is moved aside to
     * {@code .baton/replaced/<id>/} first.
     */
    void linkPaths(Sftp sftp, List<String> paths, String id) throws IOException {
        for (String rel : paths) {
            String path = SitePaths.join(root, rel);
            String want = SitePaths.linkTarget(rel, SitePaths.BATON_DIR + "/" + CURRENT + "/" + rel);
            Optional<Attributes> a = sftp.lstat(path);
            if (a.isPresent() && a.get().isSymbolicLink() && sftp.readLink(path).filter(want::equals).isPresent()) {
                continue;
            }
            if (a.isPresent()) {
                String aside = SitePaths.join(SitePaths.join(SitePaths.join(baton, "replaced"), id), rel);
                sftp.mkdirs(baton, "replaced/" + id + (rel.contains("/") ? "/" + SitePaths.parent("/" + rel).substring(1) : ""));
                sftp.rename(path, aside);
            } else if (rel.contains("/")) {
                sftp.mkdirs(root, SitePaths.parent("/" + rel).substring(1));
            }
            sftp.symlink(path, want);
        }
    }

    /** Snapshots beyond the newest {@code keep}, oldest first, never the live one. */
    List<String> expired(Sftp sftp, int keep, String live) throws IOException {
        List<String> ids = snapshotIds(sftp);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ids.size() - keep; i++) {
            if (!ids.get(i).equals(live)) {
                out.add(ids.get(i));
            }
        }
        return out;
    }
}
