package dev.baton.statesync.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one cycle must do, decided from the source listing and the target's current manifest alone
 * (pure, no I/O): which files are unchanged (hard-linked from the previous snapshot), which must
 * be hashed to know (racy), which must be copied, and what disappears.
 *
 * @param unchanged files whose size, mtime and mode match a non-racy manifest entry
 * @param check     files whose metadata match but whose manifest entry is racy: re-hash, copy if different
 * @param copy      new or changed files
 * @param deleted   files in the manifest that the source no longer has
 * @param dirsChanged true if the directory set or a directory mode changed
 */
public record CyclePlan(List<SourceEntry> unchanged, List<SourceEntry> check, List<SourceEntry> copy,
        Set<String> deleted, boolean dirsChanged) {

    public static CyclePlan of(List<SourceEntry> source, Manifest current) {
        List<SourceEntry> unchanged = new ArrayList<>();
        List<SourceEntry> check = new ArrayList<>();
        List<SourceEntry> copy = new ArrayList<>();
        Set<String> deleted = new TreeSet<>();
        Map<String, Manifest.Item> old = current.entries();
        boolean dirsChanged = false;
        Set<String> seen = new TreeSet<>();
        for (SourceEntry e : source) {
            seen.add(e.rel());
            Manifest.Item was = old.get(e.rel());
            if (e.directory()) {
                dirsChanged |= was == null || !was.directory() || was.mode() != e.mode();
                continue;
            }
            if (was == null || was.directory() || was.sha256() == null || was.size() != e.size()
                    || was.mtime() != e.mtime() || was.mode() != e.mode()) {
                copy.add(e);
            } else if (was.racy()) {
                check.add(e);
            } else {
                unchanged.add(e);
            }
        }
        for (Map.Entry<String, Manifest.Item> was : old.entrySet()) {
            if (!seen.contains(was.getKey())) {
                if (was.getValue().directory()) {
                    dirsChanged = true;
                } else {
                    deleted.add(was.getKey());
                }
            }
        }
        return new CyclePlan(List.copyOf(unchanged), List.copyOf(check), List.copyOf(copy), deleted, dirsChanged);
    }

    /** True if nothing can have changed: no copy, no deletion, no racy file to re-hash. */
    public boolean isNoop() {
        return copy.isEmpty() && check.isEmpty() && deleted.isEmpty() && !dirsChanged;
    }

    /**
     * The delete guard: refuses a cycle that would delete more than {@code threshold} (0-1) of the
     * files the target holds. An emptied source deletes 100% and is refused.
     */
    public void checkDeletions(long filesBefore, double threshold, String target) throws SyncRefused {
        if (filesBefore == 0 || deleted.isEmpty()) {
            return;
        }
        double share = (double) deleted.size() / filesBefore;
        if (share > threshold) {
            throw new SyncRefused(SyncRefused.Reason.DELETE_THRESHOLD, String.format(java.util.Locale.ROOT,
                    "refused: the cycle would delete %d of %d files on %s (%.0f%%), above the %.0f%% delete threshold;"
                            + " is the source emptied or unmounted?",
                    deleted.size(), filesBefore, target, share * 100, threshold * 100));
        }
    }
}
