-- How the broker let go of the fenced engine's session before the new site was started (DESIGN.md invariant 1):
-- by a confirmed logout, the session check, the session linger, or a takeover the broker allows.
ALTER TABLE operations ADD COLUMN fenced_at           timestamptz;
ALTER TABLE operations ADD COLUMN session_released_at timestamptz;
ALTER TABLE operations ADD COLUMN session_released_by text;
ALTER TABLE operations ADD COLUMN session_release     text;
