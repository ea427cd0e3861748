package dev.baton.common.wire;

import java.time.Instant;

/**
 * The sites' PostgreSQL pair as the coordinator last read it: which site's database is the primary (the active
 * site's) and which the replica, whether the replica's WAL receiver streams, how far it is behind (bytes of WAL, and
 * seconds: 0 when caught up, else the age of the last transaction it replayed), the RPO target, when it was read, and
 * what is wrong, if anything ("replica unreachable: ...", "not a replica"). Null fields were not known.
 */
public record DatabaseReplica(String primary, String replica, boolean streaming, Long bytesBehind, Double lagSeconds, double rpoTargetSeconds,
        Instant checkedAt, String problem) {
}
