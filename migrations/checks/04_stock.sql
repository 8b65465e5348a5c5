-- Stock (DOMAIN.md §3 F1–F2, §7.5): stock_quantity = Σ movements ≥ 0, written only by the
-- movement trigger; movements are append-only and record the running stock.
\ir _helpers.sql
BEGIN;
\ir _fixtures.sql

SELECT pg_temp.fails('a product cannot be created with stock (initial stock is an IN movement)',
    $$INSERT INTO products (merchant_id, slug, title, price_ttc_cents, stock_quantity)
      VALUES ('00000000-0000-0000-0000-0000000000d1', 'savon-lavande', 'Savon', 500, 10)$$,
    '23514', 'products_stock_guard');

SELECT pg_temp.ok('IN +10 (stock initial)',
    $$INSERT INTO stock_movements (merchant_id, product_id, type, quantity, reason)
      VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1', 'IN', 10, 'Stock initial')$$);
SELECT pg_temp.ok('OUT −3 (vente)',
    $$INSERT INTO stock_movements (merchant_id, product_id, type, quantity, reason)
      VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1', 'OUT', -3, 'Vente')$$);
SELECT pg_temp.eq('stock_after is filled by the trigger (10, then 7)',
    (SELECT string_agg(stock_after::text, ',' ORDER BY stock_after DESC) FROM stock_movements
      WHERE product_id = '00000000-0000-0000-0000-0000000000e1'), '10,7');
SELECT pg_temp.eq('products.stock_quantity = Σ movements',
    (SELECT stock_quantity FROM products WHERE id = '00000000-0000-0000-0000-0000000000e1'), 7);

SELECT pg_temp.fails('OUT beyond the stock fails on products_stock_nonnegative (→ 409 INSUFFICIENT_STOCK)',
    $$INSERT INTO stock_movements (merchant_id, product_id, type, quantity, reason)
      VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1', 'OUT', -8, 'Vente')$$,
    '23514', 'products_stock_nonnegative');
SELECT pg_temp.eq('… and changes nothing',
    (SELECT stock_quantity || '/' || (SELECT count(*) FROM stock_movements) FROM products
      WHERE id = '00000000-0000-0000-0000-0000000000e1'), '7/2');

SELECT pg_temp.fails('a multi-item sale with one shortage is rolled back whole',
    $$INSERT INTO stock_movements (merchant_id, product_id, type, quantity, reason)
      VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1', 'OUT', -5, 'Vente'),
             ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1', 'OUT', -5, 'Vente')$$,
    '23514', 'products_stock_nonnegative');
SELECT pg_temp.eq('stock unchanged after the failed sale',
    (SELECT stock_quantity FROM products WHERE id = '00000000-0000-0000-0000-0000000000e1'), 7);

SELECT pg_temp.fails('an OUT with a positive quantity is refused (sign CHECK)',
    $$INSERT INTO stock_movements (merchant_id, product_id, type, quantity)
      VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1', 'OUT', 2)$$,
    '23514', NULL);
SELECT pg_temp.ok('ADJUSTMENT −2 (inventaire)',
    $$INSERT INTO stock_movements (merchant_id, product_id, type, quantity, reason)
      VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1', 'ADJUSTMENT', -2, 'Inventaire')$$);

SELECT pg_temp.fails('a direct UPDATE of products.stock_quantity is refused',
    $$UPDATE products SET stock_quantity = 100 WHERE id = '00000000-0000-0000-0000-0000000000e1'$$,
    '23514', 'products_stock_guard');
SELECT pg_temp.ok('other product columns stay editable',
    $$UPDATE products SET price_ttc_cents = 950 WHERE id = '00000000-0000-0000-0000-0000000000e1'$$);

SELECT pg_temp.fails('stock_movements cannot be updated',
    $$UPDATE stock_movements SET quantity = 50 WHERE type = 'IN'$$,
    '23514', 'stock_movements_append_only');
SELECT pg_temp.fails('stock_movements cannot be deleted',
    $$DELETE FROM stock_movements$$,
    '23514', 'stock_movements_append_only');

SELECT pg_temp.fails('a movement cannot name another merchant''s product',
    $$INSERT INTO merchant_profiles (id, user_id, slug, public_name)
      VALUES ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000a5', 'autre', 'Autre');
      INSERT INTO stock_movements (merchant_id, product_id, type, quantity)
      VALUES ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000e1', 'IN', 1)$$,
    '23503', 'stock_movements_product_fk');

SELECT pg_temp.fails('a product with stock history cannot be deleted (RESTRICT)',
    $$DELETE FROM products WHERE id = '00000000-0000-0000-0000-0000000000e1'$$,
    '23503', 'stock_movements_product_fk');

SELECT pg_temp.eq('invariant: stock = Σ movements = last stock_after',
    (SELECT p.stock_quantity = (SELECT sum(quantity) FROM stock_movements m WHERE m.product_id = p.id)
        AND p.stock_quantity = (SELECT min(stock_after) FROM stock_movements m WHERE m.product_id = p.id)
       FROM products p WHERE p.id = '00000000-0000-0000-0000-0000000000e1'), true);

ROLLBACK;
