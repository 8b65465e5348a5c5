-- Invoices (DOMAIN.md §3 D4–D6, §7.3): gapless numbering, immutability once issued,
-- cancellation only through an issued avoir, lines writable only on drafts.
\ir _helpers.sql
BEGIN;
\ir _fixtures.sql

-- A draft with two lines (60 € + 2 × 15 €, VAT-exempt).
INSERT INTO invoices (id, practitioner_id, client_id, service_date)
VALUES ('00000000-0000-0000-0000-000000000201', '00000000-0000-0000-0000-0000000000b1',
        '00000000-0000-0000-0000-0000000000c1', '2026-03-02');
INSERT INTO invoice_lines (invoice_id, position, label, quantity, unit_price_ht_cents, total_ht_cents,
                           total_vat_cents, total_ttc_cents) VALUES
    ('00000000-0000-0000-0000-000000000201', 1, 'Consultation initiale naturopathie – 60 min', 1, 6000, 6000, 0, 6000),
    ('00000000-0000-0000-0000-000000000201', 2, 'Fiche conseils', 2, 1500, 3000, 0, 3000);
UPDATE invoices SET total_ht_cents = 9000, total_ttc_cents = 9000
 WHERE id = '00000000-0000-0000-0000-000000000201';

SELECT pg_temp.ok('draft lines can be edited',
    $$UPDATE invoice_lines SET label = 'Fiche conseils imprimée'
       WHERE invoice_id = '00000000-0000-0000-0000-000000000201' AND position = 2$$);

SELECT pg_temp.fails('an invoice for another practitioner''s client is rejected (composite FK)',
    $$INSERT INTO invoices (practitioner_id, client_id) VALUES
      ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000c2')$$,
    '23503', 'invoices_client_fk');

-- Gapless counter (§7.3 step 4): a rolled-back issue also rolls the counter back.
SAVEPOINT before_issue;
INSERT INTO number_sequences (owner_user_id, series, year, last_value)
VALUES ('00000000-0000-0000-0000-0000000000a1', 'INVOICE', 2026, 1)
ON CONFLICT (owner_user_id, series, year) DO UPDATE SET last_value = number_sequences.last_value + 1;
ROLLBACK TO SAVEPOINT before_issue;
SELECT pg_temp.eq('a rolled-back issue leaves no counter behind (no gap)',
    (SELECT count(*) FROM number_sequences WHERE owner_user_id = '00000000-0000-0000-0000-0000000000a1'), 0::bigint);

-- Issue (§7.3 steps 4–5).
CREATE TEMP TABLE issued_seq AS
WITH n AS (
    INSERT INTO number_sequences (owner_user_id, series, year, last_value)
    VALUES ('00000000-0000-0000-0000-0000000000a1', 'INVOICE', 2026, 1)
    ON CONFLICT (owner_user_id, series, year) DO UPDATE SET last_value = number_sequences.last_value + 1
    RETURNING last_value)
SELECT last_value FROM n;
SELECT pg_temp.ok('issuing a draft (DRAFT → ISSUED with number, snapshots)',
    $$UPDATE invoices SET status = 'ISSUED', fiscal_year = 2026, seq = s.last_value,
              number = 'F-2026-' || lpad(s.last_value::text, 4, '0'), issue_date = '2026-03-02',
              issued_at = '2026-03-02 09:00+01', due_date = '2026-03-02',
              seller_snapshot = '{"name":"Claire Moreau","legalForm":"EI","siret":"73282932000074"}',
              buyer_snapshot = '{"name":"Julie Bernard"}',
              vat_exemption_note = 'TVA non applicable, art. 293 B du CGI'
         FROM issued_seq s WHERE id = '00000000-0000-0000-0000-000000000201'$$);
SELECT pg_temp.eq('first number of the year', (SELECT number FROM invoices
    WHERE id = '00000000-0000-0000-0000-000000000201'), 'F-2026-0001');

SELECT pg_temp.fails('issued invoice: total cannot change (INVOICE_IMMUTABLE)',
    $$UPDATE invoices SET total_ht_cents = 1000, total_ttc_cents = 1000
       WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', 'invoices_immutable');
SELECT pg_temp.fails('issued invoice: notes cannot change either',
    $$UPDATE invoices SET notes = 'modifié' WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', 'invoices_immutable');
SELECT pg_temp.fails('issued invoice: no going back to DRAFT',
    $$UPDATE invoices SET status = 'DRAFT' WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', 'invoices_immutable');
SELECT pg_temp.ok('issued invoice: touching updated_at alone is allowed',
    $$UPDATE invoices SET updated_at = now() WHERE id = '00000000-0000-0000-0000-000000000201'$$);

SELECT pg_temp.fails('lines of an issued invoice cannot be inserted',
    $$INSERT INTO invoice_lines (invoice_id, position, label, unit_price_ht_cents, total_ht_cents,
                                 total_vat_cents, total_ttc_cents)
      VALUES ('00000000-0000-0000-0000-000000000201', 3, 'Ajout', 100, 100, 0, 100)$$,
    '23514', 'invoice_lines_draft_only');
SELECT pg_temp.fails('lines of an issued invoice cannot be updated',
    $$UPDATE invoice_lines SET unit_price_ht_cents = 1, total_ht_cents = 1, total_ttc_cents = 1
       WHERE invoice_id = '00000000-0000-0000-0000-000000000201' AND position = 1$$,
    '23514', 'invoice_lines_draft_only');
SELECT pg_temp.fails('lines of an issued invoice cannot be deleted',
    $$DELETE FROM invoice_lines WHERE invoice_id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', 'invoice_lines_draft_only');
SELECT pg_temp.fails('an issued invoice cannot be deleted',
    $$DELETE FROM invoices WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', 'invoices_no_delete_unless_draft');

SELECT pg_temp.fails('ISSUED → PAID without paid_at and payment_method is refused',
    $$UPDATE invoices SET status = 'PAID' WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', NULL);
SELECT pg_temp.ok('ISSUED → PAID with paid_at and payment_method',
    $$UPDATE invoices SET status = 'PAID', paid_at = '2026-03-05 10:00+01', payment_method = 'CARD'
       WHERE id = '00000000-0000-0000-0000-000000000201'$$);
SELECT pg_temp.fails('PAID: the payment method is frozen',
    $$UPDATE invoices SET payment_method = 'CASH' WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', 'invoices_immutable');

SELECT pg_temp.fails('PAID → CANCELLED without an avoir is refused',
    $$UPDATE invoices SET status = 'CANCELLED', cancelled_at = now()
       WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', 'invoices_immutable');

-- The avoir: a draft CREDIT_NOTE with the negated lines.
INSERT INTO invoices (id, practitioner_id, client_id, kind, credited_invoice_id)
VALUES ('00000000-0000-0000-0000-000000000202', '00000000-0000-0000-0000-0000000000b1',
        '00000000-0000-0000-0000-0000000000c1', 'CREDIT_NOTE', '00000000-0000-0000-0000-000000000201');
INSERT INTO invoice_lines (invoice_id, position, label, quantity, unit_price_ht_cents, total_ht_cents,
                           total_vat_cents, total_ttc_cents)
SELECT '00000000-0000-0000-0000-000000000202', position, label, -quantity, unit_price_ht_cents,
       -total_ht_cents, -total_vat_cents, -total_ttc_cents
  FROM invoice_lines WHERE invoice_id = '00000000-0000-0000-0000-000000000201';
UPDATE invoices SET total_ht_cents = -9000, total_ttc_cents = -9000
 WHERE id = '00000000-0000-0000-0000-000000000202';

SELECT pg_temp.fails('a second avoir for the same invoice is refused',
    $$INSERT INTO invoices (practitioner_id, client_id, kind, credited_invoice_id)
      VALUES ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000c1', 'CREDIT_NOTE',
              '00000000-0000-0000-0000-000000000201')$$,
    '23505', 'invoices_credited_key');
SELECT pg_temp.fails('a DRAFT avoir is not enough to cancel (it could still be deleted)',
    $$UPDATE invoices SET status = 'CANCELLED', cancelled_at = now()
       WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', 'invoices_immutable');

UPDATE invoices SET status = 'ISSUED', fiscal_year = 2026, seq = 1, number = 'AV-2026-0001',
       issue_date = '2026-03-06', issued_at = '2026-03-06 09:00+01', due_date = '2026-03-06',
       seller_snapshot = '{"name":"Claire Moreau"}', buyer_snapshot = '{"name":"Julie Bernard"}'
 WHERE id = '00000000-0000-0000-0000-000000000202';

SELECT pg_temp.fails('CANCELLED needs cancelled_at (table CHECK)',
    $$UPDATE invoices SET status = 'CANCELLED' WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', NULL);
SELECT pg_temp.ok('PAID → CANCELLED once the avoir is issued',
    $$UPDATE invoices SET status = 'CANCELLED', cancelled_at = now()
       WHERE id = '00000000-0000-0000-0000-000000000201'$$);
SELECT pg_temp.fails('an avoir is never PAID',
    $$UPDATE invoices SET status = 'PAID', paid_at = now(), payment_method = 'CARD'
       WHERE id = '00000000-0000-0000-0000-000000000202'$$,
    '23514', NULL);
SELECT pg_temp.fails('the credited invoice cannot be deleted under its avoir',
    $$DELETE FROM invoices WHERE id = '00000000-0000-0000-0000-000000000201'$$,
    '23514', 'invoices_no_delete_unless_draft');

-- A draft with lines is deleted whole: the cascade on its lines is allowed.
INSERT INTO invoices (id, practitioner_id, client_id)
VALUES ('00000000-0000-0000-0000-000000000203', '00000000-0000-0000-0000-0000000000b1',
        '00000000-0000-0000-0000-0000000000c1');
INSERT INTO invoice_lines (invoice_id, position, label, unit_price_ht_cents, total_ht_cents,
                           total_vat_cents, total_ttc_cents)
VALUES ('00000000-0000-0000-0000-000000000203', 1, 'Consultation de suivi – 45 min', 5000, 5000, 0, 5000),
       ('00000000-0000-0000-0000-000000000203', 2, 'Bilan', 2000, 2000, 0, 2000);
SELECT pg_temp.ok('a draft invoice with lines can be deleted',
    $$DELETE FROM invoices WHERE id = '00000000-0000-0000-0000-000000000203'$$);
SELECT pg_temp.eq('… and its lines went with it',
    (SELECT count(*) FROM invoice_lines WHERE invoice_id = '00000000-0000-0000-0000-000000000203'), 0::bigint);

SELECT pg_temp.fails('a client with invoices cannot be deleted (RESTRICT, 10-year retention)',
    $$DELETE FROM clients WHERE id = '00000000-0000-0000-0000-0000000000c1'$$,
    '23503', 'invoices_client_fk');

ROLLBACK;
