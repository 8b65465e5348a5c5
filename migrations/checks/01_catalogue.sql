-- Catalogue (DOMAIN.md §1–§4): counts of tables, enums, domains, indexes and triggers, the
-- updated_at trigger on every table that has the column, and the FK-index rule.
\ir _helpers.sql
BEGIN;

-- The three account support tables of 20260201000001_auth_support.sql are not in DOMAIN.md.
CREATE TEMP VIEW domain_tables AS
SELECT tablename FROM pg_tables
 WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'
   AND tablename NOT IN ('email_verification_tokens', 'rate_limits', 'email_outbox');

SELECT pg_temp.eq('59 tables of DOMAIN.md §3', (SELECT count(*) FROM domain_tables), 59::bigint);

SELECT pg_temp.eq('41 enums of §2',
    (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' AND t.typtype = 'e'), 41::bigint);

SELECT pg_temp.eq('6 domains of §1 (+ vat_rate)',
    (SELECT string_agg(typname, ',' ORDER BY typname) FROM pg_type t
       JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' AND t.typtype = 'd'),
    'email_addr,phone,postal_code_fr,siret,slug,vat_rate'::text);

SELECT pg_temp.eq('extensions citext, btree_gist, pg_trgm',
    (SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'),
    'btree_gist,citext,pg_trgm'::text);

-- §4: 138 catalogue indexes + 24 in fk_indexes = 162 secondary indexes on the domain tables.
SELECT pg_temp.eq('162 secondary indexes on the domain tables (§4)',
    (SELECT count(*) FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename IN (SELECT tablename FROM domain_tables)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype = 'p')),
    162::bigint);
SELECT pg_temp.eq('24 indexes in migration fk_indexes',
    (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE '%\_fk\_idx'), 24::bigint);

-- §4: every FK column leads some index (ON DELETE checks and joins never scan the child).
SELECT pg_temp.eq('FK columns that lead no index',
    (SELECT string_agg(c.conrelid::regclass::text || '.' || a.attname, ', ')
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_index i
                         WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])),
    NULL::text);

-- §1 ⊕std [R]: touch_updated_at() on every table with an updated_at column.
SELECT pg_temp.eq('tables with updated_at but no touch_updated_at trigger',
    (SELECT string_agg(c.table_name, ', ')
       FROM information_schema.columns c
      WHERE c.table_schema = 'public' AND c.column_name = 'updated_at'
        AND NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                         WHERE t.tgrelid = (quote_ident(c.table_name))::regclass
                           AND p.proname = 'touch_updated_at')),
    NULL::text);

SELECT pg_temp.eq('purge_favorites attached to the 8 favorite targets',
    (SELECT string_agg(c.relname || '(' || encode(t.tgargs, 'escape') || ')', ',' ORDER BY c.relname)
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE t.tgname = 'purge_favorites'),
    'articles(ARTICLE\000),artisan_profiles(ARTISAN\000),artisan_services(SERVICE\000),center_profiles(CENTER\000),formations(FORMATION\000),merchant_profiles(MERCHANT\000),practitioner_profiles(PRACTITIONER\000),products(PRODUCT\000)');

SELECT pg_temp.eq('business triggers',
    (SELECT string_agg(c.relname || '.' || t.tgname, ',' ORDER BY c.relname, t.tgname)
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE NOT t.tgisinternal AND p.proname NOT IN ('touch_updated_at', 'purge_favorites')),
    'artisan_order_items.order_items_pending_only,invoice_lines.invoice_lines_draft_only,'
    'invoices.invoices_immutable,invoices.invoices_no_delete_unless_draft,'
    'merchant_order_items.order_items_pending_only,messages.messages_sender_is_participant,'
    'precompta_entries.precompta_derived_immutable,products.products_stock_guard,'
    'stock_movements.stock_movements_append_only,stock_movements.stock_movements_apply');

-- Constraint names the API maps on (§3, §6.1).
SELECT pg_temp.eq('named constraints of DOMAIN.md',
    (SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint
      WHERE conname IN ('users_email_key', 'users_pro_status_chk', 'appointments_no_overlap',
                        'availability_rules_no_overlap', 'products_stock_nonnegative')),
    'appointments_no_overlap,availability_rules_no_overlap,products_stock_nonnegative,users_email_key,users_pro_status_chk'::text);

ROLLBACK;
