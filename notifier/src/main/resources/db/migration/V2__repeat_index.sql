-- The repeat reminder looks up the latest notified alert per key.
CREATE INDEX alert_key_received_idx ON alert (alert_key, received_at DESC, id DESC);
