-- Agenda (DOMAIN.md §3 C5/C3, §7.1): the exclusion constraints are the only guard against
-- double booking; composite FKs keep another practitioner's client off an appointment.
\ir _helpers.sql
BEGIN;
\ir _fixtures.sql

-- A: 10:00–11:00 (Paris, CEST), non-cancelled.
INSERT INTO appointments (id, practitioner_id, client_id, title, starts_at, ends_at, busy_until, source)
VALUES ('00000000-0000-0000-0000-000000000101', '00000000-0000-0000-0000-0000000000b1',
        '00000000-0000-0000-0000-0000000000c1', 'Consultation initiale – Julie Bernard',
        '2026-06-01 10:00+02', '2026-06-01 11:00+02', '2026-06-01 11:00+02', 'ONLINE');

SELECT pg_temp.fails('overlapping non-cancelled appointment (10:30–11:30) is rejected',
    $$INSERT INTO appointments (practitioner_id, title, starts_at, ends_at, busy_until, source)
      VALUES ('00000000-0000-0000-0000-0000000000b1', 'Suivi', '2026-06-01 10:30+02', '2026-06-01 11:30+02',
              '2026-06-01 11:30+02', 'PRO')$$,
    '23P01', 'appointments_no_overlap');

SELECT pg_temp.ok('a CANCELLED appointment on the same range is accepted',
    $$INSERT INTO appointments (practitioner_id, title, starts_at, ends_at, busy_until, source, status,
                                cancelled_at, cancelled_by)
      VALUES ('00000000-0000-0000-0000-0000000000b1', 'Annulé', '2026-06-01 10:30+02', '2026-06-01 11:30+02',
              '2026-06-01 11:30+02', 'PRO', 'CANCELLED', now(), 'PRACTITIONER')$$);

SELECT pg_temp.ok('half-open ranges: 11:00–12:00 right after 10:00–11:00 does not conflict',
    $$INSERT INTO appointments (id, practitioner_id, title, starts_at, ends_at, busy_until, source)
      VALUES ('00000000-0000-0000-0000-000000000102', '00000000-0000-0000-0000-0000000000b1', 'Suivi',
              '2026-06-01 11:00+02', '2026-06-01 12:00+02', '2026-06-01 12:00+02', 'PRO')$$);

SELECT pg_temp.ok('the same range at another practitioner is free',
    $$INSERT INTO appointments (practitioner_id, title, starts_at, ends_at, busy_until, source)
      VALUES ('00000000-0000-0000-0000-0000000000b2', 'Suivi', '2026-06-01 10:00+02', '2026-06-01 11:00+02',
              '2026-06-01 11:00+02', 'PRO')$$);

SELECT pg_temp.fails('the buffer counts: 14:00–15:00 busy until 15:15 blocks a 15:00 start',
    $$INSERT INTO appointments (practitioner_id, title, starts_at, ends_at, busy_until, source)
      VALUES ('00000000-0000-0000-0000-0000000000b1', 'A', '2026-06-01 14:00+02', '2026-06-01 15:00+02',
              '2026-06-01 15:15+02', 'PRO'),
             ('00000000-0000-0000-0000-0000000000b1', 'B', '2026-06-01 15:00+02', '2026-06-01 16:00+02',
              '2026-06-01 16:00+02', 'PRO')$$,
    '23P01', 'appointments_no_overlap');

SELECT pg_temp.fails('un-cancelling onto a taken range is rejected too',
    $$UPDATE appointments SET status = 'SCHEDULED', cancelled_at = NULL, cancelled_by = NULL
       WHERE title = 'Annulé'$$,
    '23P01', 'appointments_no_overlap');

SELECT pg_temp.ok('cancelling frees the range for a new booking (reschedule)',
    $$UPDATE appointments SET status = 'CANCELLED', cancelled_at = now(), cancelled_by = 'CLIENT'
       WHERE id = '00000000-0000-0000-0000-000000000102';
      INSERT INTO appointments (practitioner_id, title, starts_at, ends_at, busy_until, source, rescheduled_from_id)
      VALUES ('00000000-0000-0000-0000-0000000000b1', 'Déplacé', '2026-06-01 11:00+02', '2026-06-01 12:00+02',
              '2026-06-01 12:00+02', 'ONLINE', '00000000-0000-0000-0000-000000000102')$$);

SELECT pg_temp.fails('status CANCELLED requires cancelled_at',
    $$UPDATE appointments SET status = 'CANCELLED' WHERE id = '00000000-0000-0000-0000-000000000101'$$,
    '23514', NULL);

-- Tenant consistency (§1): practitioner A cannot attach practitioner B's client.
SELECT pg_temp.fails('another practitioner''s client on an appointment is rejected (composite FK)',
    $$INSERT INTO appointments (practitioner_id, client_id, title, starts_at, ends_at, busy_until, source)
      VALUES ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000c2', 'X',
              '2026-06-02 10:00+02', '2026-06-02 11:00+02', '2026-06-02 11:00+02', 'PRO')$$,
    '23503', 'appointments_client_fk');
SELECT pg_temp.fails('… nor by UPDATE of an existing appointment',
    $$UPDATE appointments SET client_id = '00000000-0000-0000-0000-0000000000c2'
       WHERE id = '00000000-0000-0000-0000-000000000101'$$,
    '23503', 'appointments_client_fk');

-- ON DELETE SET NULL (client_id) clears the client only; the appointment keeps its practitioner.
DELETE FROM clients WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT pg_temp.eq('deleting the client keeps the appointment with practitioner_id, client_id NULL',
    (SELECT practitioner_id::text || '/' || coalesce(client_id::text, 'null') FROM appointments
      WHERE id = '00000000-0000-0000-0000-000000000101'),
    '00000000-0000-0000-0000-0000000000b1/null');

-- Availability rules: several ranges a day, no overlaps.
INSERT INTO availability_rules (practitioner_id, weekday, start_minute, end_minute)
VALUES ('00000000-0000-0000-0000-0000000000b1', 1, 540, 720);
SELECT pg_temp.ok('09:00–12:00 and 14:00–18:00 on the same day',
    $$INSERT INTO availability_rules (practitioner_id, weekday, start_minute, end_minute)
      VALUES ('00000000-0000-0000-0000-0000000000b1', 1, 840, 1080)$$);
SELECT pg_temp.ok('12:00–14:00 touches both but overlaps neither',
    $$INSERT INTO availability_rules (practitioner_id, weekday, start_minute, end_minute)
      VALUES ('00000000-0000-0000-0000-0000000000b1', 1, 720, 840)$$);
SELECT pg_temp.fails('11:00–13:00 overlaps 09:00–12:00',
    $$INSERT INTO availability_rules (practitioner_id, weekday, start_minute, end_minute)
      VALUES ('00000000-0000-0000-0000-0000000000b1', 1, 660, 780)$$,
    '23P01', 'availability_rules_no_overlap');
SELECT pg_temp.ok('the same range on Tuesday is fine',
    $$INSERT INTO availability_rules (practitioner_id, weekday, start_minute, end_minute)
      VALUES ('00000000-0000-0000-0000-0000000000b1', 2, 660, 780)$$);

ROLLBACK;
