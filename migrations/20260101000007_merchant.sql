-- DOMAIN.md §3 F: merchant products, append-only stock journal, clients and orders.
CREATE TABLE products (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    merchant_id         uuid NOT NULL REFERENCES merchant_profiles (id) ON DELETE CASCADE,
    slug                slug NOT NULL CONSTRAINT products_slug_key UNIQUE,
    sku                 text CHECK (length(sku) <= 40),
    title               text NOT NULL,
    description         text,
    category            text,
    price_ttc_cents     integer NOT NULL CHECK (price_ttc_cents >= 0),
    vat_rate_bp         vat_rate NOT NULL DEFAULT 2000,
    stock_quantity      integer NOT NULL DEFAULT 0 CONSTRAINT products_stock_nonnegative CHECK (stock_quantity >= 0),
    low_stock_threshold integer NOT NULL DEFAULT 3 CHECK (low_stock_threshold >= 0),
    images              text[] NOT NULL DEFAULT '{}',
    status              catalog_status NOT NULL DEFAULT 'DRAFT',
    CONSTRAINT products_id_merchant_key UNIQUE (id, merchant_id)
);
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE UNIQUE INDEX products_merchant_sku_key ON products (merchant_id, sku) WHERE sku IS NOT NULL;
CREATE INDEX products_merchant_status_idx ON products (merchant_id, status);
CREATE INDEX products_low_stock_idx ON products (merchant_id) WHERE status = 'ACTIVE' AND stock_quantity <= low_stock_threshold;

-- stock_quantity is written only by the movement trigger (trigger depth 2): a product starts
-- at 0 and every change is a movement, so stock = Σ movements always holds.
CREATE FUNCTION products_stock_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.stock_quantity <> 0 THEN
        RAISE EXCEPTION 'products_stock_guard: initial stock is an IN movement'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'products_stock_guard';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.stock_quantity IS DISTINCT FROM OLD.stock_quantity AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'products_stock_guard: stock changes only through stock_movements'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'products_stock_guard';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER products_stock_guard BEFORE INSERT OR UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION products_stock_guard();

CREATE TABLE merchant_clients (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    merchant_id  uuid NOT NULL REFERENCES merchant_profiles (id) ON DELETE CASCADE,
    user_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    first_name   text NOT NULL,
    last_name    text NOT NULL,
    email        email_addr,
    phone        phone,
    address_line text,
    city         text,
    postal_code  postal_code_fr,
    notes        text,
    CONSTRAINT merchant_clients_id_merchant_key UNIQUE (id, merchant_id)
);
CREATE TRIGGER merchant_clients_touch BEFORE UPDATE ON merchant_clients FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE UNIQUE INDEX merchant_clients_merchant_email_key ON merchant_clients (merchant_id, email) WHERE email IS NOT NULL;
CREATE INDEX merchant_clients_merchant_name_idx ON merchant_clients (merchant_id, last_name, first_name);

CREATE TABLE merchant_orders (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    merchant_id      uuid NOT NULL REFERENCES merchant_profiles (id) ON DELETE CASCADE,
    order_number     text NOT NULL,
    client_id        uuid,
    customer_name    text NOT NULL,
    customer_email   email_addr,
    status           merchant_order_status NOT NULL DEFAULT 'PENDING',
    total_ttc_cents  integer NOT NULL DEFAULT 0 CHECK (total_ttc_cents >= 0),
    total_vat_cents  integer NOT NULL DEFAULT 0 CHECK (total_vat_cents >= 0),
    payment_method   payment_method,
    paid_at          timestamptz,
    cancelled_at     timestamptz,
    notes            text,
    shipping_address text,
    tracking_number  text,
    shipped_at       timestamptz,
    delivered_at     timestamptz,
    CONSTRAINT merchant_orders_merchant_number_key UNIQUE (merchant_id, order_number),
    CONSTRAINT merchant_orders_client_fk FOREIGN KEY (client_id, merchant_id)
        REFERENCES merchant_clients (id, merchant_id) ON DELETE SET NULL (client_id),
    CHECK (status NOT IN ('PAID', 'SHIPPED', 'DELIVERED', 'REFUNDED') OR (paid_at IS NOT NULL AND payment_method IS NOT NULL)),
    CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL)),
    CHECK (status NOT IN ('SHIPPED', 'DELIVERED') OR shipped_at IS NOT NULL),
    CHECK (status <> 'DELIVERED' OR delivered_at IS NOT NULL)
);
CREATE TRIGGER merchant_orders_touch BEFORE UPDATE ON merchant_orders FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX merchant_orders_merchant_status_created_idx ON merchant_orders (merchant_id, status, created_at DESC);
CREATE INDEX merchant_orders_client_idx ON merchant_orders (client_id);

CREATE TABLE merchant_order_items (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    order_id             uuid NOT NULL REFERENCES merchant_orders (id) ON DELETE CASCADE,
    product_id           uuid REFERENCES products (id) ON DELETE SET NULL,
    label                text NOT NULL,
    sku                  text,
    quantity             integer NOT NULL CHECK (quantity > 0),
    unit_price_ttc_cents integer NOT NULL CHECK (unit_price_ttc_cents >= 0),
    vat_rate_bp          vat_rate NOT NULL,
    line_total_ttc_cents integer NOT NULL,
    CHECK (line_total_ttc_cents = quantity * unit_price_ttc_cents)
);
CREATE TRIGGER merchant_order_items_touch BEFORE UPDATE ON merchant_order_items FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX merchant_order_items_order_idx ON merchant_order_items (order_id);
CREATE INDEX merchant_order_items_product_idx ON merchant_order_items (product_id);
CREATE TRIGGER order_items_pending_only BEFORE INSERT OR UPDATE OR DELETE ON merchant_order_items
    FOR EACH ROW EXECUTE FUNCTION order_items_pending_only();

CREATE TABLE stock_movements (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    merchant_id       uuid NOT NULL,
    product_id        uuid NOT NULL,
    type              stock_movement_type NOT NULL,
    quantity          integer NOT NULL,
    stock_after       integer NOT NULL CHECK (stock_after >= 0),
    reason            text,
    merchant_order_id uuid REFERENCES merchant_orders (id) ON DELETE SET NULL,
    created_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    occurred_at       timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- RESTRICT: the stock history of a product is kept.
    CONSTRAINT stock_movements_product_fk FOREIGN KEY (product_id, merchant_id)
        REFERENCES products (id, merchant_id) ON DELETE RESTRICT,
    CHECK (quantity <> 0 AND (type <> 'IN' OR quantity > 0) AND (type <> 'OUT' OR quantity < 0))
);
CREATE INDEX stock_movements_product_occurred_idx ON stock_movements (product_id, occurred_at DESC);
CREATE INDEX stock_movements_merchant_occurred_idx ON stock_movements (merchant_id, occurred_at DESC);
CREATE INDEX stock_movements_order_idx ON stock_movements (merchant_order_id) WHERE merchant_order_id IS NOT NULL;

-- Applies the delta under the product's row lock and records the running stock; a delta that
-- would go below zero fails on products_stock_nonnegative and rolls the whole statement back.
CREATE FUNCTION stock_movements_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products SET stock_quantity = stock_quantity + NEW.quantity
     WHERE id = NEW.product_id AND merchant_id = NEW.merchant_id
    RETURNING stock_quantity INTO NEW.stock_after;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'stock movement for an unknown product of this merchant'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'stock_movements_product_fk';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER stock_movements_apply BEFORE INSERT ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION stock_movements_apply();

CREATE FUNCTION stock_movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock_movements is append-only'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_movements_append_only';
END $$;
CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION stock_movements_append_only();
