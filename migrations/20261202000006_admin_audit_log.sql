-- Admin audit log (issue 6): every admin action — who, what, on which row, the row before and
-- after, when — written in the same transaction as the action itself, so a rolled-back action
-- leaves no entry and a committed one always has its entry.
--
-- No foreign keys on purpose: the log outlives the accounts it mentions (a hard-deleted user
-- or article keeps its history), and the actor's e-mail is a snapshot for the same reason.
CREATE TABLE admin_audit_log (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    actor_user_id  uuid        NOT NULL,
    actor_email    text        NOT NULL,
    action         text        NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
    target_type    text        NOT NULL CHECK (length(target_type) BETWEEN 1 AND 40),
    target_id      uuid,
    before         jsonb,
    after          jsonb,
    note           text        CHECK (length(note) <= 2000),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_audit_log_created_idx ON admin_audit_log (created_at DESC);
CREATE INDEX admin_audit_log_target_idx ON admin_audit_log (target_id, created_at DESC);
CREATE INDEX admin_audit_log_actor_idx ON admin_audit_log (actor_user_id, created_at DESC);

-- Append-only, like the stock journal: history is not edited.
CREATE FUNCTION admin_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'admin_audit_log is append-only'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'admin_audit_log_append_only';
END $$;
CREATE TRIGGER admin_audit_log_append_only BEFORE UPDATE OR DELETE ON admin_audit_log
    FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only();
