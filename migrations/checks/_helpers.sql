-- Assertion helpers for the check scripts (session-local: pg_temp, gone at disconnect).
-- Included by every check with \ir; each check runs in BEGIN … ROLLBACK, so it leaves
-- nothing behind and can be re-run on the same database.
--
--   SELECT pg_temp.ok(label, sql)                      -- sql must succeed
--   SELECT pg_temp.fails(label, sql, sqlstate, name)   -- sql must fail with that SQLSTATE and,
--                                                      -- when name is not NULL, that constraint
--   SELECT pg_temp.eq(label, actual, expected)         -- text equality
-- A failed assertion raises 'CHECK FAILED: …' (psql -v ON_ERROR_STOP=1 stops there).
\set QUIET 1
SET client_min_messages = notice;

CREATE OR REPLACE FUNCTION pg_temp.ok(label text, stmt text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text;
BEGIN
    BEGIN
        EXECUTE stmt;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        RAISE EXCEPTION 'CHECK FAILED: % — expected success, got % %', label, st, msg;
    END;
    RAISE NOTICE 'ok   %', label;
END $$;

CREATE OR REPLACE FUNCTION pg_temp.fails(label text, stmt text, want_state text, want_constraint text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    st text; cn text; msg text;
BEGIN
    BEGIN
        EXECUTE stmt;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, cn = CONSTRAINT_NAME, msg = MESSAGE_TEXT;
        IF st <> want_state OR (want_constraint IS NOT NULL AND cn IS DISTINCT FROM want_constraint) THEN
            RAISE EXCEPTION 'CHECK FAILED: % — expected % on %, got % on % (%)',
                label, want_state, coalesce(want_constraint, '*'), st, coalesce(cn, '-'), msg;
        END IF;
        RAISE NOTICE 'ok   % (% %)', label, st, coalesce(cn, '');
        RETURN;
    END;
    RAISE EXCEPTION 'CHECK FAILED: % — expected % on %, but it succeeded',
        label, want_state, coalesce(want_constraint, '*');
END $$;

CREATE OR REPLACE FUNCTION pg_temp.eq(label text, actual anyelement, expected anyelement)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF actual IS DISTINCT FROM expected THEN
        RAISE EXCEPTION 'CHECK FAILED: % — expected %, got %', label, expected, actual;
    END IF;
    RAISE NOTICE 'ok   % (= %)', label, actual;
END $$;
