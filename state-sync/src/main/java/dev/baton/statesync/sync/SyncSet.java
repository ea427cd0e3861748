package dev.baton.statesync.sync;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * What is replicated, relative to each site root: whole paths, the newest file matching each
 * {@code newest} glob, minus the {@code excludes}. Built once from configuration; construction
 * refuses any path that could leave the root.
 */
public final class SyncSet {
    private final List<String> paths;
    private final List<NewestGlob> newest;
    private final List<PathMatcher> excludes;

    /** A directory and a file-name glob inside it, e.g. {@code backups} + {@code *.dump}. */
    public record NewestGlob(String dir, String glob, PathMatcher matcher) {
    }

    public SyncSet(List<String> paths, List<String> newest, List<String> excludes) throws PathEscapeException {
        List<String> p = new ArrayList<>();
        for (String path : paths) {
            p.add(SitePaths.relative(path));
        }
        List<NewestGlob> n = new ArrayList<>();
        for (String glob : newest) {
            String rel = SitePaths.relative(glob);
            int slash = rel.lastIndexOf('/');
            String dir = slash < 0 ? "" : rel.substring(0, slash);
            String name = rel.substring(slash + 1);
            if (dir.contains("*") || dir.contains("?") || dir.contains("[") || dir.contains("{")) {
                throw new PathEscapeException("newest glob " + glob + ": only the file name may contain wildcards");
            }
            n.add(new NewestGlob(dir, name, FileSystems.getDefault().getPathMatcher("glob:" + name)));
        }
        List<PathMatcher> e = new ArrayList<>();
        for (String glob : excludes) {
            e.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        this.paths = List.copyOf(p);
        this.newest = List.copyOf(n);
        this.excludes = List.copyOf(e);
    }

    public List<String> paths() {
        return paths;
    }

    public List<NewestGlob> newest() {
        return newest;
    }

    public boolean excluded(String rel) {
        Path path = Path.of(rel);
        for (PathMatcher m : excludes) {
            if (m.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
