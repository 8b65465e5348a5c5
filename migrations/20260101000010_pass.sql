-- DOMAIN.md §3 I: the PASS membership.
CREATE TABLE pass_subscriptions (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    user_id                uuid NOT NULL CONSTRAINT pass_subscriptions_user_id_key UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    plan                   pass_plan NOT NULL DEFAULT 'MONTHLY',
    pending_plan           pass_plan,
    status                 pass_status NOT NULL DEFAULT 'PENDING_PAYMENT',
    started_at             timestamptz,
    current_period_start   timestamptz,
    current_period_end     timestamptz,
    cancel_at_period_end   boolean NOT NULL DEFAULT false,
    cancelled_at           timestamptz,
    pause_used             boolean NOT NULL DEFAULT false,
    paused_until           timestamptz,
    months_paid            integer NOT NULL DEFAULT 0 CHECK (months_paid >= 0),
    carnet_status          carnet_shipment_status NOT NULL DEFAULT 'NOT_ELIGIBLE',
    carnet_address         jsonb,
    carnet_tracking_number text,
    carnet_shipped_at      timestamptz,
    carnet_delivered_at    timestamptz,
    carnet_eta             date,
    stripe_customer_id     text,
    stripe_subscription_id text CONSTRAINT pass_subscriptions_stripe_subscription_id_key UNIQUE,
    CHECK (status NOT IN ('ACTIVE', 'PAUSED', 'PAST_DUE') OR current_period_end IS NOT NULL),
    CHECK (status <> 'PAUSED' OR paused_until IS NOT NULL),
    CHECK (carnet_status NOT IN ('PROCESSING', 'SHIPPED', 'DELIVERED') OR carnet_address IS NOT NULL),
    CHECK (carnet_status NOT IN ('SHIPPED', 'DELIVERED') OR (carnet_shipped_at IS NOT NULL AND carnet_tracking_number IS NOT NULL)),
    CHECK (carnet_status <> 'DELIVERED' OR carnet_delivered_at IS NOT NULL)
);
CREATE TRIGGER pass_subscriptions_touch BEFORE UPDATE ON pass_subscriptions FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX pass_subscriptions_status_period_idx ON pass_subscriptions (status, current_period_end);
CREATE INDEX pass_subscriptions_carnet_queue_idx ON pass_subscriptions (carnet_status, updated_at)
    WHERE carnet_status IN ('PENDING', 'PROCESSING');

CREATE TABLE pass_payments (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subscription_id     uuid NOT NULL REFERENCES pass_subscriptions (id) ON DELETE CASCADE,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan                pass_plan NOT NULL,
    amount_cents        integer NOT NULL CHECK (amount_cents > 0),
    months_covered      smallint NOT NULL CHECK (months_covered IN (1, 12)),
    period_start        timestamptz NOT NULL,
    period_end          timestamptz NOT NULL,
    status              payment_status NOT NULL,
    paid_at             timestamptz,
    -- Webhook idempotency: the provider's id is unique.
    provider_payment_id text NOT NULL CONSTRAINT pass_payments_provider_payment_id_key UNIQUE,
    receipt_url         text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (months_covered = CASE plan WHEN 'MONTHLY' THEN 1 ELSE 12 END),
    CHECK (period_end > period_start),
    CHECK (status <> 'PAID' OR paid_at IS NOT NULL)
);
CREATE INDEX pass_payments_subscription_period_idx ON pass_payments (subscription_id, period_start DESC);

CREATE TABLE payment_events (
    provider_event_id text PRIMARY KEY,
    type              text NOT NULL,
    payload           jsonb NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    processed_at      timestamptz,
    error             text
);

CREATE TABLE pass_resources (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    title          text NOT NULL,
    type           pass_resource_type NOT NULL,
    month          text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    description    text,
    url            text,
    storage_key    text,
    available_from timestamptz NOT NULL,
    published      boolean NOT NULL DEFAULT true
);
CREATE TRIGGER pass_resources_touch BEFORE UPDATE ON pass_resources FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX pass_resources_month_idx ON pass_resources (month DESC, available_from) WHERE published;

CREATE TABLE pass_discounts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    partner_user_id uuid CONSTRAINT pass_discounts_partner_user_id_key UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    kind            partner_kind NOT NULL,
    name            text NOT NULL,
    city            text,
    rate_pct        smallint NOT NULL DEFAULT 10 CHECK (rate_pct BETWEEN 5 AND 30 AND rate_pct % 5 = 0),
    conditions      text,
    href            text NOT NULL,
    active          boolean NOT NULL DEFAULT true
);
CREATE TRIGGER pass_discounts_touch BEFORE UPDATE ON pass_discounts FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX pass_discounts_kind_city_idx ON pass_discounts (kind, lower(city)) WHERE active;
