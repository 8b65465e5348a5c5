-- DOMAIN.md §3 K: pre-accounting (livre des recettes, registre des dépenses).
CREATE TABLE precompta_config (
    owner_user_id                 uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    legal_status                  legal_status NOT NULL DEFAULT 'MICRO',
    vat_scheme                    vat_scheme NOT NULL DEFAULT 'FRANCHISE',
    default_vat_rate_bp           vat_rate NOT NULL DEFAULT 0,
    social_rate_bp                smallint NOT NULL DEFAULT 2200 CHECK (social_rate_bp BETWEEN 0 AND 10000),
    revenue_threshold_cents       bigint NOT NULL DEFAULT 7770000,
    vat_franchise_threshold_cents bigint NOT NULL DEFAULT 3750000,
    vat_number                    text CHECK (vat_number ~ '^FR[0-9A-Z]{2}[0-9]{9}$'),
    declaration_periodicity       declaration_periodicity NOT NULL DEFAULT 'MONTHLY',
    iban                          text CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
    bic                           text CHECK (bic ~ '^[A-Z0-9]{8}([A-Z0-9]{3})?$'),
    bank_name                     text,
    invoice_payment_terms         text NOT NULL DEFAULT 'Paiement à réception',
    invoice_late_penalty_text     text NOT NULL DEFAULT 'En cas de retard de paiement, pénalités au taux de 3 fois le taux d''intérêt légal.',
    updated_at                    timestamptz NOT NULL DEFAULT now(),
    CHECK (vat_scheme <> 'FRANCHISE' OR default_vat_rate_bp = 0)
);
CREATE TRIGGER precompta_config_touch BEFORE UPDATE ON precompta_config FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE precompta_entries (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- RESTRICT: the ledger is kept 10 years.
    owner_user_id       uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    entry_date          date NOT NULL,
    type                precompta_type NOT NULL,
    source              precompta_source NOT NULL,
    label               text NOT NULL,
    counterparty        text,
    piece_ref           text,
    category            text,
    amount_ttc_cents    integer NOT NULL,
    vat_rate_bp         vat_rate,
    vat_cents           integer NOT NULL DEFAULT 0,
    payment_method      payment_method,
    invoice_id          uuid REFERENCES invoices (id) ON DELETE RESTRICT,
    artisan_order_id    uuid REFERENCES artisan_orders (id) ON DELETE RESTRICT,
    merchant_order_id   uuid REFERENCES merchant_orders (id) ON DELETE RESTRICT,
    enrollment_id       uuid REFERENCES learner_enrollments (id) ON DELETE RESTRICT,
    receipt_document_id uuid REFERENCES documents (id) ON DELETE SET NULL,
    CHECK ((type = 'SALE' AND amount_ttc_cents > 0)
        OR (type IN ('REFUND', 'EXPENSE') AND amount_ttc_cents < 0)
        OR (type = 'ADJUSTMENT' AND amount_ttc_cents <> 0)),
    -- VAT has the sign of the amount.
    CHECK (vat_cents = 0 OR sign(vat_cents) = sign(amount_ttc_cents)),
    CHECK (num_nonnulls(invoice_id, artisan_order_id, merchant_order_id, enrollment_id) <= 1),
    CHECK ((source = 'MANUAL') = (num_nonnulls(invoice_id, artisan_order_id, merchant_order_id, enrollment_id) = 0)),
    CHECK ((source = 'INVOICE') = (invoice_id IS NOT NULL)),
    CHECK ((source = 'ARTISAN_ORDER') = (artisan_order_id IS NOT NULL)),
    CHECK ((source = 'MERCHANT_ORDER') = (merchant_order_id IS NOT NULL)),
    CHECK ((source = 'ENROLLMENT') = (enrollment_id IS NOT NULL)),
    CHECK (source = 'MANUAL' OR type IN ('SALE', 'REFUND')),
    CHECK (type NOT IN ('SALE', 'REFUND') OR payment_method IS NOT NULL)
);
CREATE TRIGGER precompta_entries_touch BEFORE UPDATE ON precompta_entries FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX precompta_entries_owner_date_idx ON precompta_entries (owner_user_id, entry_date, id);
-- One SALE and at most one REFUND per source row: derivation is idempotent.
CREATE UNIQUE INDEX precompta_entries_invoice_type_key ON precompta_entries (invoice_id, type) WHERE invoice_id IS NOT NULL;
CREATE UNIQUE INDEX precompta_entries_artisan_order_type_key ON precompta_entries (artisan_order_id, type) WHERE artisan_order_id IS NOT NULL;
CREATE UNIQUE INDEX precompta_entries_merchant_order_type_key ON precompta_entries (merchant_order_id, type) WHERE merchant_order_id IS NOT NULL;
CREATE UNIQUE INDEX precompta_entries_enrollment_type_key ON precompta_entries (enrollment_id, type) WHERE enrollment_id IS NOT NULL;

-- Derived entries are the ledger's record of an invoice, order or enrollment: corrections go
-- through credit notes, refunds or a MANUAL adjustment, never an edit.
CREATE FUNCTION precompta_derived_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.source <> 'MANUAL' THEN
        RAISE EXCEPTION 'ENTRY_LOCKED: derived ledger entries cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'precompta_derived_immutable';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER precompta_derived_immutable BEFORE UPDATE OR DELETE ON precompta_entries
    FOR EACH ROW EXECUTE FUNCTION precompta_derived_immutable();
