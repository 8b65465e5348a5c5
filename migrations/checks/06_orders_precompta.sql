-- Orders (DOMAIN.md §3 E3–E4/F4–F5), pre-compta (K2, §7.4) and training seats (G2, §7.8).
\ir _helpers.sql
BEGIN;
\ir _fixtures.sql

-- Merchant order with one item, editable while PENDING.
INSERT INTO merchant_orders (id, merchant_id, order_number, customer_name)
VALUES ('00000000-0000-0000-0000-000000000501', '00000000-0000-0000-0000-0000000000d1', 'CM-2026-00001', 'Julie Bernard');
SELECT pg_temp.ok('items of a PENDING merchant order can be added and changed',
    $$INSERT INTO merchant_order_items (id, order_id, product_id, label, quantity, unit_price_ttc_cents,
                                        vat_rate_bp, line_total_ttc_cents)
      VALUES ('00000000-0000-0000-0000-000000000511', '00000000-0000-0000-0000-000000000501',
              '00000000-0000-0000-0000-0000000000e1', 'Miel de lavande 250 g', 2, 890, 550, 1780);
      UPDATE merchant_order_items SET quantity = 3, line_total_ttc_cents = 2670
       WHERE id = '00000000-0000-0000-0000-000000000511'$$);
SELECT pg_temp.fails('line total must equal quantity × unit price',
    $$UPDATE merchant_order_items SET quantity = 4 WHERE id = '00000000-0000-0000-0000-000000000511'$$,
    '23514', NULL);
UPDATE merchant_orders SET status = 'PAID', paid_at = now(), payment_method = 'CARD', total_ttc_cents = 2670,
       total_vat_cents = 139
 WHERE id = '00000000-0000-0000-0000-000000000501';
SELECT pg_temp.fails('items of a PAID merchant order are locked (→ 409 ORDER_LOCKED)',
    $$UPDATE merchant_order_items SET label = 'x' WHERE id = '00000000-0000-0000-0000-000000000511'$$,
    '23514', 'order_items_pending_only');
SELECT pg_temp.fails('… no item can be added',
    $$INSERT INTO merchant_order_items (order_id, label, quantity, unit_price_ttc_cents, vat_rate_bp,
                                        line_total_ttc_cents)
      VALUES ('00000000-0000-0000-0000-000000000501', 'Cadeau', 1, 0, 0, 0)$$,
    '23514', 'order_items_pending_only');
SELECT pg_temp.fails('… nor removed',
    $$DELETE FROM merchant_order_items WHERE id = '00000000-0000-0000-0000-000000000511'$$,
    '23514', 'order_items_pending_only');
SELECT pg_temp.fails('SHIPPED needs shipped_at',
    $$UPDATE merchant_orders SET status = 'SHIPPED' WHERE id = '00000000-0000-0000-0000-000000000501'$$,
    '23514', NULL);

-- Artisan order: the same trigger on artisan_order_items.
INSERT INTO artisan_profiles (id, user_id, slug, public_name)
VALUES ('00000000-0000-0000-0000-000000000601', '00000000-0000-0000-0000-0000000000a5', 'atelier-paul', 'Atelier Paul');
INSERT INTO artisan_orders (id, artisan_id, order_number, customer_name, status)
VALUES ('00000000-0000-0000-0000-000000000602', '00000000-0000-0000-0000-000000000601', 'CA-2026-00001', 'Julie', 'CONFIRMED');
SELECT pg_temp.fails('items of a CONFIRMED artisan order are locked',
    $$INSERT INTO artisan_order_items (order_id, label, quantity, unit_price_ttc_cents, vat_rate_bp, line_total_ttc_cents)
      VALUES ('00000000-0000-0000-0000-000000000602', 'Atelier céramique', 1, 4500, 2000, 4500)$$,
    '23514', 'order_items_pending_only');
SELECT pg_temp.fails('order numbers are unique per owner',
    $$INSERT INTO artisan_orders (artisan_id, order_number, customer_name)
      VALUES ('00000000-0000-0000-0000-000000000601', 'CA-2026-00001', 'Autre')$$,
    '23505', 'artisan_orders_artisan_number_key');

-- Pre-compta: derived entries are locked, manual ones are not; derivation is idempotent.
INSERT INTO precompta_entries (id, owner_user_id, entry_date, type, source, label, piece_ref, amount_ttc_cents,
                               vat_cents, payment_method, merchant_order_id)
VALUES ('00000000-0000-0000-0000-000000000701', '00000000-0000-0000-0000-0000000000a4', '2026-04-02', 'SALE',
        'MERCHANT_ORDER', 'Commande CM-2026-00001', 'CM-2026-00001', 2670, 139, 'CARD',
        '00000000-0000-0000-0000-000000000501');
INSERT INTO precompta_entries (id, owner_user_id, entry_date, type, source, label, category, amount_ttc_cents)
VALUES ('00000000-0000-0000-0000-000000000702', '00000000-0000-0000-0000-0000000000a4', '2026-04-03', 'EXPENSE',
        'MANUAL', 'Pots en verre', 'Fournitures', -4200);
SELECT pg_temp.fails('the same SALE cannot be derived twice',
    $$INSERT INTO precompta_entries (owner_user_id, entry_date, type, source, label, amount_ttc_cents,
                                     payment_method, merchant_order_id)
      VALUES ('00000000-0000-0000-0000-0000000000a4', '2026-04-02', 'SALE', 'MERCHANT_ORDER', 'bis', 2670, 'CARD',
              '00000000-0000-0000-0000-000000000501')$$,
    '23505', 'precompta_entries_merchant_order_type_key');
SELECT pg_temp.fails('a derived entry cannot be updated (→ 409 ENTRY_LOCKED)',
    $$UPDATE precompta_entries SET amount_ttc_cents = 1 WHERE id = '00000000-0000-0000-0000-000000000701'$$,
    '23514', 'precompta_derived_immutable');
SELECT pg_temp.fails('a derived entry cannot be deleted',
    $$DELETE FROM precompta_entries WHERE id = '00000000-0000-0000-0000-000000000701'$$,
    '23514', 'precompta_derived_immutable');
SELECT pg_temp.ok('a MANUAL entry can be edited and deleted',
    $$UPDATE precompta_entries SET amount_ttc_cents = -4300 WHERE id = '00000000-0000-0000-0000-000000000702';
      DELETE FROM precompta_entries WHERE id = '00000000-0000-0000-0000-000000000702'$$);
SELECT pg_temp.fails('a SALE must be positive',
    $$INSERT INTO precompta_entries (owner_user_id, entry_date, type, source, label, amount_ttc_cents, payment_method)
      VALUES ('00000000-0000-0000-0000-0000000000a4', '2026-04-02', 'SALE', 'MANUAL', 'x', -10, 'CASH')$$,
    '23514', NULL);
SELECT pg_temp.fails('a paid order with ledger entries cannot be deleted (RESTRICT)',
    $$DELETE FROM merchant_orders WHERE id = '00000000-0000-0000-0000-000000000501'$$,
    '23503', NULL);

-- Training: seats never exceed capacity; a learner of another center cannot enroll.
INSERT INTO center_profiles (id, user_id, slug, public_name)
VALUES ('00000000-0000-0000-0000-000000000801', '00000000-0000-0000-0000-0000000000a3', 'centre-julie', 'Centre');
INSERT INTO formations (id, center_id, slug, title)
VALUES ('00000000-0000-0000-0000-000000000802', '00000000-0000-0000-0000-000000000801', 'naturo-1', 'Naturopathie 1');
INSERT INTO formation_sessions (id, center_id, formation_id, title, starts_at, ends_at, max_seats)
VALUES ('00000000-0000-0000-0000-000000000803', '00000000-0000-0000-0000-000000000801',
        '00000000-0000-0000-0000-000000000802', 'Printemps 2026', '2026-04-01', '2026-04-30', 1);
SELECT pg_temp.fails('booked_seats cannot pass max_seats',
    $$UPDATE formation_sessions SET booked_seats = 2 WHERE id = '00000000-0000-0000-0000-000000000803'$$,
    '23514', 'formation_sessions_seats_chk');
INSERT INTO center_profiles (id, user_id, slug, public_name)
VALUES ('00000000-0000-0000-0000-000000000804', '00000000-0000-0000-0000-0000000000a5', 'centre-paul', 'Autre centre');
INSERT INTO learners (id, center_id, first_name, last_name, email)
VALUES ('00000000-0000-0000-0000-000000000805', '00000000-0000-0000-0000-000000000804', 'Ana', 'Lopez', 'ana@check.test');
SELECT pg_temp.fails('a learner of another center cannot be enrolled (composite FK)',
    $$INSERT INTO learner_enrollments (center_id, learner_id, session_id)
      VALUES ('00000000-0000-0000-0000-000000000801', '00000000-0000-0000-0000-000000000805',
              '00000000-0000-0000-0000-000000000803')$$,
    '23503', 'learner_enrollments_learner_fk');

ROLLBACK;
