-- Every accepted alert, with what the notifier decided about it.
CREATE TABLE alert (
    id           BIGSERIAL PRIMARY KEY,
    alert_key    TEXT        NOT NULL,
    severity     TEXT        NOT NULL,
    title        TEXT        NOT NULL,
    message      TEXT        NOT NULL,
    source       TEXT        NOT NULL,
    labels       JSONB       NOT NULL,
    resolved     BOOLEAN     NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    disposition  TEXT        NOT NULL,
    reason       TEXT        NOT NULL
);
CREATE INDEX alert_received_idx ON alert (received_at DESC, id DESC);

-- Per alert key: is it firing, and when were people last told (dedup, repeat interval, resolution, inhibition).
CREATE TABLE alert_state (
    alert_key        TEXT PRIMARY KEY,
    firing           BOOLEAN     NOT NULL,
    last_notified_at TIMESTAMPTZ NOT NULL,
    labels           JSONB       NOT NULL
);
CREATE INDEX alert_state_firing_idx ON alert_state (alert_key) WHERE firing;

-- The outbox: one row per alert and channel. PENDING rows are claimed with a lease (FOR UPDATE SKIP LOCKED);
-- a row becomes DELIVERED only after the channel accepted it, so a restart re-sends only what was not accepted.
CREATE TABLE delivery (
    id              BIGSERIAL PRIMARY KEY,
    alert_id        BIGINT      NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    channel         TEXT        NOT NULL,
    group_key       TEXT        NOT NULL,
    state           TEXT        NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        INT         NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    last_error      TEXT,
    delivered_at    TIMESTAMPTZ,
    escalated_from  TEXT,
    UNIQUE (alert_id, channel)
);
CREATE INDEX delivery_due_idx ON delivery (next_attempt_at) WHERE state = 'PENDING';
CREATE INDEX delivery_group_idx ON delivery (group_key) WHERE state = 'PENDING';
CREATE INDEX delivery_dead_idx ON delivery (alert_id) WHERE state = 'DEAD';

CREATE TABLE silence (
    id         UUID PRIMARY KEY,
    matchers   JSONB       NOT NULL,
    starts_at  TIMESTAMPTZ NOT NULL,
    ends_at    TIMESTAMPTZ NOT NULL,
    created_by TEXT        NOT NULL,
    comment    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX silence_ends_idx ON silence (ends_at);
