-- Abuse resistance kept in PostgreSQL so every API process sees the same counts:
-- failed logins per user and per address, and fixed-window request counters for public endpoints.

CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    username  text NOT NULL,
    address   text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_user_idx ON login_failures (username, failed_at);
CREATE INDEX login_failures_address_idx ON login_failures (address, failed_at);

CREATE TABLE rate_buckets (
    key          text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (key, window_start)
);
