package dev.baton.statesync.sync;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Path rules of a site: every replicated path is relative to the site root and stays inside it.
 * Pure string logic on SFTP paths ({@code /}-separated), so it works the same for any server.
 */
public final class SitePaths {
    /** The directory under each root where state-sync keeps its own files; never replicated. */
    public static final String BATON_DIR = ".baton";

    private SitePaths() {
    }

    /**
     * Normalises a configured or received relative path, refusing what could escape the root.
     *
     * @throws PathEscapeException for absolute paths, {@code ..} segments, empty paths or {@code .baton}
     */
    public static String relative(String path) throws PathEscapeException {
        if (path == null || path.isBlank()) {
            throw new PathEscapeException("empty path");
        }
        if (path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*")) {
            throw new PathEscapeException("absolute path " + path + " refused: paths are relative to the site root");
        }
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/+")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw new PathEscapeException("path " + path + " refused: '..' could leave the site root");
            }
            if (segment.indexOf('\0') >= 0 || segment.indexOf('\n') >= 0) {
                throw new PathEscapeException("path with control characters refused");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(segment);
        }
        if (out.length() == 0) {
            throw new PathEscapeException("path " + path + " is the root itself");
        }
        String rel = out.toString();
        if (rel.equals(BATON_DIR) || rel.startsWith(BATON_DIR + "/")) {
            throw new PathEscapeException("path " + path + " refused: .baton/ is state-sync's own directory");
        }
        return rel;
    }

    /** A directory entry name as returned by a server: one segment, never {@code .}/{@code ..}/{@code /}. */
    public static boolean isSafeName(String name) {
        return name != null && !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\0') < 0 && name.indexOf('\n') < 0;
    }

    /** {@code root} + {@code rel}, for an absolute SFTP root such as {@code /} or {@code /srv/trading}. */
    public static String join(String root, String rel) {
        if (rel.isEmpty()) {
            return root;
        }
        return root.endsWith("/") ? root + rel : root + "/" + rel;
    }

    /**
     * Where a symlink at {@code linkPath} (absolute) pointing to {@code target} leads, resolved
     * lexically; empty if that is outside {@code root}.
     */
    public static Optional<String> resolveLink(String root, String linkPath, String target) {
        String base = target.startsWith("/") ? "" : parent(linkPath);
        Optional<String> resolved = normalizeAbsolute(target.startsWith("/") ? target : base + "/" + target);
        return resolved.filter(p -> isInside(root, p));
    }

    /** True if absolute {@code path} is {@code root} or below it. */
    public static boolean isInside(String root, String path) {
        String r = root.endsWith("/") ? root : root + "/";
        return path.equals(root) || path.startsWith(r) || r.equals("/");
    }

    /** {@code rel} of an absolute path inside {@code root}. */
    public static String relativeTo(String root, String path) {
        String r = root.endsWith("/") ? root : root + "/";
        return path.equals(root) ? "" : path.substring(r.length());
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "" : path.substring(0, slash);
    }

    static Optional<String> normalizeAbsolute(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String segment : path.split("/+")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (parts.isEmpty()) {
                    return Optional.empty();
                }
                parts.removeLast();
            } else {
                parts.addLast(segment);
            }
        }
        return Optional.of("/" + String.join("/", parts));
    }

    /** A symlink target that reaches {@code rel} (relative to the root) from the link at {@code linkRel}. */
    public static String linkTarget(String linkRel, String rel) {
        int depth = linkRel.split("/").length - 1;
        return "../".repeat(depth) + rel;
    }
}
