-- Support tables for accounts that DOMAIN.md does not list but DESIGN.md "Scale" requires:
-- with N replicas behind the ALB, rate-limit counters, the email outbox and one-time tokens
-- must live in PostgreSQL, not in process memory.

-- Email verification links (same shape as password_reset_tokens, A4).
CREATE TABLE email_verification_tokens (
    token_hash  bytea       PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       email_addr  NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX email_verification_tokens_user_idx ON email_verification_tokens (user_id);
CREATE INDEX email_verification_tokens_expires_idx ON email_verification_tokens (expires_at);

-- Fixed-window counters: one row per (key, window). The key names the limit and its subject,
-- e.g. 'login:claire@example.fr:203.0.113.9'. Old windows are purged by the purge job.
CREATE TABLE rate_limits (
    key           text        NOT NULL,
    window_start  timestamptz NOT NULL,
    count         integer     NOT NULL DEFAULT 0 CHECK (count >= 0),
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_window_idx ON rate_limits (window_start);

-- Outgoing email. Written in the same transaction as the event that causes it, sent after
-- commit by the outbox job of whichever replica claims it (FOR UPDATE SKIP LOCKED).
CREATE TABLE email_outbox (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    to_address    email_addr  NOT NULL,
    subject       text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body_text     text        NOT NULL,
    -- What kind of message, for logs and tests (never the token it may carry).
    template      text        NOT NULL,
    user_id       uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    send_after    timestamptz NOT NULL DEFAULT now(),
    attempts      smallint    NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error    text,
    sent_at       timestamptz,
    failed_at     timestamptz,
    CHECK (sent_at IS NULL OR failed_at IS NULL)
);
CREATE INDEX email_outbox_due_idx ON email_outbox (send_after) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX email_outbox_user_idx ON email_outbox (user_id);
