-- The coordinator's whole memory: a restart loses nothing.
CREATE TABLE coordinator_state (
    id                 smallint PRIMARY KEY CHECK (id = 1),
    state              text        NOT NULL,
    active_site        text        NOT NULL,
    epoch              bigint      NOT NULL CHECK (epoch >= 0),
    frozen             boolean     NOT NULL DEFAULT false,
    frozen_reason      text,
    frozen_until       timestamptz,
    current_operation  uuid,
    last_failover      timestamptz,
    last_failback      timestamptz,
    last_operation_end timestamptz,
    remediated_at      timestamptz,
    last_decision      text,
    updated_at         timestamptz NOT NULL
);

CREATE TABLE operations (
    id             uuid PRIMARY KEY,
    kind           text        NOT NULL,
    trigger        text        NOT NULL,
    from_site      text        NOT NULL,
    to_site        text        NOT NULL,
    reason         text        NOT NULL,
    status         text        NOT NULL,
    epoch          bigint      NOT NULL,
    previous_state text        NOT NULL,
    decision       text,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    detail         text,
    rpo_seconds    double precision
);
CREATE INDEX operations_started ON operations (started_at DESC);

CREATE TABLE operation_steps (
    operation_id uuid    NOT NULL REFERENCES operations (id),
    idx          integer NOT NULL,
    name         text    NOT NULL,
    type         text    NOT NULL,
    status       text    NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    started_at   timestamptz,
    finished_at  timestamptz,
    detail       text,
    PRIMARY KEY (operation_id, idx)
);

CREATE TABLE history (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL,
    kind         text        NOT NULL,
    operation_id uuid,
    summary      text        NOT NULL
);
CREATE INDEX history_at ON history (at DESC);

CREATE TABLE audit (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL,
    action text        NOT NULL,
    actor  text        NOT NULL,
    reason text,
    detail text
);

CREATE TABLE leader_lease (
    id         smallint PRIMARY KEY CHECK (id = 1),
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL
);
