-- DOMAIN.md §3 E: artisan services, clients and orders.
CREATE TABLE artisan_services (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    artisan_id      uuid NOT NULL REFERENCES artisan_profiles (id) ON DELETE CASCADE,
    slug            slug NOT NULL CONSTRAINT artisan_services_slug_key UNIQUE,
    title           text NOT NULL,
    description     text,
    category        text,
    price_ttc_cents integer NOT NULL CHECK (price_ttc_cents >= 0),
    vat_rate_bp     vat_rate NOT NULL DEFAULT 2000,
    duration_min    smallint CHECK (duration_min > 0),
    images          text[] NOT NULL DEFAULT '{}' CHECK (cardinality(images) <= 8),
    status          catalog_status NOT NULL DEFAULT 'DRAFT',
    CONSTRAINT artisan_services_id_artisan_key UNIQUE (id, artisan_id)
);
CREATE TRIGGER artisan_services_touch BEFORE UPDATE ON artisan_services FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX artisan_services_artisan_status_idx ON artisan_services (artisan_id, status);

CREATE TABLE artisan_clients (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    artisan_id   uuid NOT NULL REFERENCES artisan_profiles (id) ON DELETE CASCADE,
    user_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    first_name   text NOT NULL,
    last_name    text NOT NULL,
    email        email_addr,
    phone        phone,
    address_line text,
    city         text,
    postal_code  postal_code_fr,
    notes        text,
    CONSTRAINT artisan_clients_id_artisan_key UNIQUE (id, artisan_id)
);
CREATE TRIGGER artisan_clients_touch BEFORE UPDATE ON artisan_clients FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE UNIQUE INDEX artisan_clients_artisan_email_key ON artisan_clients (artisan_id, email) WHERE email IS NOT NULL;
CREATE INDEX artisan_clients_artisan_name_idx ON artisan_clients (artisan_id, last_name, first_name);

CREATE TABLE artisan_orders (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    artisan_id      uuid NOT NULL REFERENCES artisan_profiles (id) ON DELETE CASCADE,
    order_number    text NOT NULL,
    client_id       uuid,
    customer_name   text NOT NULL,
    customer_email  email_addr,
    status          artisan_order_status NOT NULL DEFAULT 'PENDING',
    total_ttc_cents integer NOT NULL DEFAULT 0 CHECK (total_ttc_cents >= 0),
    total_vat_cents integer NOT NULL DEFAULT 0 CHECK (total_vat_cents >= 0),
    payment_method  payment_method,
    paid_at         timestamptz,
    cancelled_at    timestamptz,
    notes           text,
    scheduled_for   timestamptz,
    CONSTRAINT artisan_orders_artisan_number_key UNIQUE (artisan_id, order_number),
    CONSTRAINT artisan_orders_client_fk FOREIGN KEY (client_id, artisan_id)
        REFERENCES artisan_clients (id, artisan_id) ON DELETE SET NULL (client_id),
    CHECK (status NOT IN ('PAID', 'COMPLETED') OR (paid_at IS NOT NULL AND payment_method IS NOT NULL)),
    CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
);
CREATE TRIGGER artisan_orders_touch BEFORE UPDATE ON artisan_orders FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX artisan_orders_artisan_status_created_idx ON artisan_orders (artisan_id, status, created_at DESC);
CREATE INDEX artisan_orders_client_idx ON artisan_orders (client_id);

CREATE TABLE artisan_order_items (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    order_id             uuid NOT NULL REFERENCES artisan_orders (id) ON DELETE CASCADE,
    service_id           uuid REFERENCES artisan_services (id) ON DELETE SET NULL,
    label                text NOT NULL,
    quantity             integer NOT NULL CHECK (quantity > 0),
    unit_price_ttc_cents integer NOT NULL CHECK (unit_price_ttc_cents >= 0),
    vat_rate_bp          vat_rate NOT NULL,
    line_total_ttc_cents integer NOT NULL,
    CHECK (line_total_ttc_cents = quantity * unit_price_ttc_cents)
);
CREATE TRIGGER artisan_order_items_touch BEFORE UPDATE ON artisan_order_items FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX artisan_order_items_order_idx ON artisan_order_items (order_id);
CREATE INDEX artisan_order_items_service_idx ON artisan_order_items (service_id);

-- Shared by artisan and merchant order items: items change only while their order is
-- PENDING. An item whose order is no longer visible is being removed by the order's own
-- deletion cascade.
CREATE FUNCTION order_items_pending_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    order_id uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.order_id ELSE NEW.order_id END;
    order_status text;
BEGIN
    IF TG_TABLE_NAME = 'artisan_order_items' THEN
        SELECT status::text INTO order_status FROM artisan_orders WHERE id = order_id;
    ELSE
        SELECT status::text INTO order_status FROM merchant_orders WHERE id = order_id;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.order_id <> OLD.order_id THEN
        RAISE EXCEPTION 'ORDER_LOCKED: an item cannot move to another order'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_pending_only';
    END IF;
    IF order_status IS NOT NULL AND order_status <> 'PENDING' THEN
        RAISE EXCEPTION 'ORDER_LOCKED: items of a % order cannot change', order_status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_pending_only';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER order_items_pending_only BEFORE INSERT OR UPDATE OR DELETE ON artisan_order_items
    FOR EACH ROW EXECUTE FUNCTION order_items_pending_only();
