-- The leadership term: grows by one each time the lease changes hands (or lapses and is taken again). The leader
-- sends it with every command to a site or to state-sync, which refuse a lower one than they have seen.
ALTER TABLE leader_lease ADD COLUMN term bigint NOT NULL DEFAULT 0 CHECK (term >= 0);
