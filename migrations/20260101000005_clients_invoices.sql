-- DOMAIN.md §3 D: client records, consultations, invoices, counters, resources.
CREATE TABLE clients (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    practitioner_id uuid NOT NULL REFERENCES practitioner_profiles (id) ON DELETE CASCADE,
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    first_name      text NOT NULL,
    last_name       text NOT NULL,
    company_name    text,
    email           email_addr,
    phone           phone,
    birth_date      date CHECK (birth_date > '1900-01-01'),
    address_line    text,
    city            text,
    postal_code     postal_code_fr,
    notes           text CHECK (length(notes) <= 10000),
    archived_at     timestamptz,
    CONSTRAINT clients_id_practitioner_key UNIQUE (id, practitioner_id)
);
CREATE TRIGGER clients_touch BEFORE UPDATE ON clients FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE UNIQUE INDEX clients_practitioner_email_key ON clients (practitioner_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX clients_practitioner_user_key ON clients (practitioner_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX clients_user_idx ON clients (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX clients_practitioner_name_idx ON clients (practitioner_id, last_name, first_name) WHERE archived_at IS NULL;
CREATE INDEX clients_name_trgm_idx ON clients USING gin ((last_name || ' ' || first_name) gin_trgm_ops);

-- The composite key makes "another practitioner's client on my appointment" impossible.
ALTER TABLE appointments ADD CONSTRAINT appointments_client_fk FOREIGN KEY (client_id, practitioner_id)
    REFERENCES clients (id, practitioner_id) ON DELETE SET NULL (client_id);

CREATE TABLE client_antecedents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    practitioner_id uuid NOT NULL,
    client_id       uuid NOT NULL,
    category        antecedent_category NOT NULL DEFAULT 'OTHER',
    label           text NOT NULL CHECK (length(label) <= 200),
    details         text,
    since_year      smallint CHECK (since_year BETWEEN 1900 AND 2100),
    CONSTRAINT client_antecedents_client_fk FOREIGN KEY (client_id, practitioner_id)
        REFERENCES clients (id, practitioner_id) ON DELETE CASCADE
);
CREATE TRIGGER client_antecedents_touch BEFORE UPDATE ON client_antecedents FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX client_antecedents_client_idx ON client_antecedents (client_id);

CREATE TABLE consultations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    practitioner_id uuid NOT NULL REFERENCES practitioner_profiles (id) ON DELETE CASCADE,
    client_id       uuid NOT NULL,
    appointment_id  uuid,
    occurred_at     timestamptz NOT NULL,
    motif           text NOT NULL CHECK (length(motif) <= 200),
    notes           text CHECK (length(notes) <= 50000),
    recommendations text,
    duration_min    smallint CHECK (duration_min BETWEEN 1 AND 480),
    price_cents     integer CHECK (price_cents >= 0),
    CONSTRAINT consultations_id_practitioner_key UNIQUE (id, practitioner_id),
    -- Composite FKs (§1 tenant consistency): client and appointment belong to the same
    -- practitioner; SET NULL (appointment_id) clears the link but keeps practitioner_id (PG15).
    CONSTRAINT consultations_client_fk FOREIGN KEY (client_id, practitioner_id)
        REFERENCES clients (id, practitioner_id) ON DELETE CASCADE,
    CONSTRAINT consultations_appointment_fk FOREIGN KEY (appointment_id, practitioner_id)
        REFERENCES appointments (id, practitioner_id) ON DELETE SET NULL (appointment_id)
);
CREATE TRIGGER consultations_touch BEFORE UPDATE ON consultations FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX consultations_client_occurred_idx ON consultations (client_id, occurred_at DESC);
CREATE INDEX consultations_practitioner_occurred_idx ON consultations (practitioner_id, occurred_at DESC);
CREATE UNIQUE INDEX consultations_appointment_key ON consultations (appointment_id) WHERE appointment_id IS NOT NULL;

CREATE TABLE invoices (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- RESTRICT: issued invoices are kept 10 years (CGI art. L102 B), whoever leaves.
    practitioner_id     uuid NOT NULL REFERENCES practitioner_profiles (id) ON DELETE RESTRICT,
    client_id           uuid NOT NULL,
    consultation_id     uuid,
    kind                invoice_kind NOT NULL DEFAULT 'INVOICE',
    credited_invoice_id uuid,
    status              invoice_status NOT NULL DEFAULT 'DRAFT',
    fiscal_year         smallint,
    seq                 integer CHECK (seq >= 1),
    number              text,
    issue_date          date,
    service_date        date,
    due_date            date,
    total_ht_cents      integer NOT NULL DEFAULT 0,
    total_vat_cents     integer NOT NULL DEFAULT 0,
    total_ttc_cents     integer NOT NULL DEFAULT 0,
    vat_exemption_note  text,
    seller_snapshot     jsonb,
    buyer_snapshot      jsonb,
    payment_terms       text,
    late_penalty_text   text,
    issued_at           timestamptz,
    paid_at             timestamptz,
    cancelled_at        timestamptz,
    payment_method      payment_method,
    notes               text,
    CONSTRAINT invoices_id_practitioner_key UNIQUE (id, practitioner_id),
    CONSTRAINT invoices_practitioner_number_key UNIQUE (practitioner_id, number),
    CONSTRAINT invoices_practitioner_kind_year_seq_key UNIQUE (practitioner_id, kind, fiscal_year, seq),
    -- Composite FKs (§1 tenant consistency): client, consultation and credited invoice all
    -- belong to this practitioner; RESTRICT on the client keeps invoiced clients (retention).
    CONSTRAINT invoices_client_fk FOREIGN KEY (client_id, practitioner_id)
        REFERENCES clients (id, practitioner_id) ON DELETE RESTRICT,
    CONSTRAINT invoices_consultation_fk FOREIGN KEY (consultation_id, practitioner_id)
        REFERENCES consultations (id, practitioner_id) ON DELETE SET NULL (consultation_id),
    CONSTRAINT invoices_credited_fk FOREIGN KEY (credited_invoice_id, practitioner_id)
        REFERENCES invoices (id, practitioner_id) ON DELETE RESTRICT,
    CHECK (due_date >= issue_date),
    CHECK ((kind = 'CREDIT_NOTE') = (credited_invoice_id IS NOT NULL)),
    CHECK ((status = 'DRAFT') = (number IS NULL)),
    CHECK (num_nulls(number, seq, fiscal_year, issue_date, issued_at) IN (0, 5)),
    CHECK (status = 'DRAFT' OR (seller_snapshot IS NOT NULL AND buyer_snapshot IS NOT NULL)),
    CHECK (total_ttc_cents = total_ht_cents + total_vat_cents),
    CHECK ((kind = 'INVOICE' AND total_ttc_cents >= 0) OR (kind = 'CREDIT_NOTE' AND total_ttc_cents <= 0)),
    CHECK (status <> 'PAID' OR (paid_at IS NOT NULL AND payment_method IS NOT NULL)),
    CHECK (kind = 'INVOICE' OR status IN ('DRAFT', 'ISSUED')),
    CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
);
CREATE TRIGGER invoices_touch BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX invoices_client_issue_idx ON invoices (client_id, issue_date DESC);
CREATE INDEX invoices_practitioner_status_due_idx ON invoices (practitioner_id, status, due_date);
CREATE UNIQUE INDEX invoices_credited_key ON invoices (credited_invoice_id) WHERE credited_invoice_id IS NOT NULL;
CREATE INDEX invoices_consultation_idx ON invoices (consultation_id) WHERE consultation_id IS NOT NULL;

-- §7.3: once issued, an invoice only goes ISSUED → PAID (with paid_at and payment_method) or
-- ISSUED/PAID → CANCELLED once its credit note exists. Errors carry the trigger's name as
-- constraint so the API maps them by name (§6.1).
-- The credit note must itself be issued (not DRAFT): a draft avoir can still be deleted, which
-- would leave a CANCELLED invoice with no avoir behind it.
CREATE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    frozen text[] := ARRAY['status', 'paid_at', 'payment_method', 'cancelled_at', 'updated_at'];
BEGIN
    IF OLD.status = 'DRAFT' THEN
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - frozen) IS DISTINCT FROM (to_jsonb(OLD) - frozen) THEN
        RAISE EXCEPTION 'INVOICE_IMMUTABLE: invoice % is issued', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_immutable';
    END IF;
    IF NEW.status = OLD.status
       AND NEW.paid_at IS NOT DISTINCT FROM OLD.paid_at
       AND NEW.payment_method IS NOT DISTINCT FROM OLD.payment_method
       AND NEW.cancelled_at IS NOT DISTINCT FROM OLD.cancelled_at THEN
        RETURN NEW;
    END IF;
    IF OLD.status = 'ISSUED' AND NEW.status = 'PAID'
       AND NEW.paid_at IS NOT NULL AND NEW.payment_method IS NOT NULL
       AND NEW.cancelled_at IS NULL THEN
        RETURN NEW;
    END IF;
    IF OLD.status IN ('ISSUED', 'PAID') AND NEW.status = 'CANCELLED'
       AND NEW.paid_at IS NOT DISTINCT FROM OLD.paid_at
       AND NEW.payment_method IS NOT DISTINCT FROM OLD.payment_method
       AND EXISTS (SELECT 1 FROM invoices a WHERE a.credited_invoice_id = OLD.id AND a.status <> 'DRAFT') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'INVOICE_IMMUTABLE: % → % is not allowed for invoice %', OLD.status, NEW.status, OLD.number
        USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_immutable';
END $$;
CREATE TRIGGER invoices_immutable BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_immutable();

CREATE FUNCTION invoices_no_delete_unless_draft() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'DRAFT' THEN
        RAISE EXCEPTION 'INVOICE_NOT_DRAFT: invoice % is issued and cannot be deleted', OLD.number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoices_no_delete_unless_draft';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER invoices_no_delete_unless_draft BEFORE DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_no_delete_unless_draft();

CREATE TABLE invoice_lines (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    invoice_id          uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position            smallint NOT NULL CHECK (position >= 1),
    label               text NOT NULL CHECK (length(label) <= 300),
    quantity            numeric(10, 2) NOT NULL DEFAULT 1 CHECK (quantity <> 0),
    unit_price_ht_cents integer NOT NULL CHECK (unit_price_ht_cents >= 0),
    vat_rate_bp         vat_rate NOT NULL DEFAULT 0,
    total_ht_cents      integer NOT NULL,
    total_vat_cents     integer NOT NULL,
    total_ttc_cents     integer NOT NULL,
    CONSTRAINT invoice_lines_invoice_position_key UNIQUE (invoice_id, position),
    CHECK (total_ttc_cents = total_ht_cents + total_vat_cents)
);
CREATE TRIGGER invoice_lines_touch BEFORE UPDATE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Lines change only on drafts. A line whose invoice is gone is being removed by the cascade
-- of a draft's deletion (the parent row is no longer visible then), which is allowed.
CREATE FUNCTION invoice_lines_draft_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_status invoice_status;
BEGIN
    SELECT status INTO parent_status FROM invoices
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
    IF TG_OP = 'UPDATE' AND NEW.invoice_id <> OLD.invoice_id THEN
        RAISE EXCEPTION 'INVOICE_NOT_DRAFT: a line cannot move to another invoice'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_lines_draft_only';
    END IF;
    IF parent_status IS NOT NULL AND parent_status <> 'DRAFT' THEN
        RAISE EXCEPTION 'INVOICE_NOT_DRAFT: lines of an issued invoice cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_lines_draft_only';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER invoice_lines_draft_only BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION invoice_lines_draft_only();

-- Gapless counters: a row lock serialises concurrent issues and a rollback rolls the
-- counter back, which a SEQUENCE would not.
CREATE TABLE number_sequences (
    owner_user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    series        number_series NOT NULL,
    year          smallint NOT NULL,
    last_value    integer NOT NULL DEFAULT 0 CHECK (last_value >= 0),
    PRIMARY KEY (owner_user_id, series, year)
);

CREATE TABLE resources (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    owner_practitioner_id uuid REFERENCES practitioner_profiles (id) ON DELETE CASCADE,
    title                 text NOT NULL,
    description           text,
    category              text,
    format                resource_format NOT NULL,
    level                 skill_level,
    tags                  text[] NOT NULL DEFAULT '{}',
    storage_key           text,
    external_url          text CHECK (external_url ~ '^https://'),
    size_bytes            bigint CHECK (size_bytes > 0 AND size_bytes <= 20971520),
    cover_url             text,
    shareable             boolean NOT NULL DEFAULT true,
    featured              boolean NOT NULL DEFAULT false,
    CHECK ((storage_key IS NULL) <> (external_url IS NULL))
);
CREATE TRIGGER resources_touch BEFORE UPDATE ON resources FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX resources_owner_created_idx ON resources (owner_practitioner_id, created_at DESC);
CREATE INDEX resources_platform_idx ON resources (featured DESC, created_at DESC) WHERE owner_practitioner_id IS NULL;
CREATE INDEX resources_tags_idx ON resources USING gin (tags);
