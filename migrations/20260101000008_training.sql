-- DOMAIN.md §3 G: training centers' formations, sessions, learners and enrollments.
CREATE TABLE formations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    center_id       uuid NOT NULL REFERENCES center_profiles (id) ON DELETE CASCADE,
    slug            slug NOT NULL CONSTRAINT formations_slug_key UNIQUE,
    title           text NOT NULL,
    description     text,
    category        text,
    duration_hours  smallint CHECK (duration_hours > 0),
    price_ttc_cents integer CHECK (price_ttc_cents >= 0),
    vat_rate_bp     vat_rate NOT NULL DEFAULT 0,
    cpf_eligible    boolean NOT NULL DEFAULT false,
    status          formation_status NOT NULL DEFAULT 'DRAFT',
    CONSTRAINT formations_id_center_key UNIQUE (id, center_id)
);
CREATE TRIGGER formations_touch BEFORE UPDATE ON formations FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX formations_center_status_idx ON formations (center_id, status);

CREATE TABLE formation_sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    center_id    uuid NOT NULL,
    formation_id uuid NOT NULL,
    title        text NOT NULL,
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    location     text,
    is_remote    boolean NOT NULL DEFAULT false,
    max_seats    smallint CHECK (max_seats > 0),
    booked_seats smallint NOT NULL DEFAULT 0,
    status       session_status NOT NULL DEFAULT 'OPEN',
    CONSTRAINT formation_sessions_id_center_key UNIQUE (id, center_id),
    CONSTRAINT formation_sessions_formation_fk FOREIGN KEY (formation_id, center_id)
        REFERENCES formations (id, center_id) ON DELETE CASCADE,
    CHECK (ends_at > starts_at),
    -- No over-enrollment: the seat count can never pass the capacity.
    CONSTRAINT formation_sessions_seats_chk CHECK (booked_seats >= 0 AND (max_seats IS NULL OR booked_seats <= max_seats))
);
CREATE TRIGGER formation_sessions_touch BEFORE UPDATE ON formation_sessions FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX formation_sessions_formation_starts_idx ON formation_sessions (formation_id, starts_at);
CREATE INDEX formation_sessions_open_starts_idx ON formation_sessions (starts_at) WHERE status = 'OPEN';
CREATE INDEX formation_sessions_center_starts_idx ON formation_sessions (center_id, starts_at);

CREATE TABLE learners (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    center_id  uuid NOT NULL REFERENCES center_profiles (id) ON DELETE CASCADE,
    user_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    first_name text NOT NULL,
    last_name  text NOT NULL,
    email      email_addr NOT NULL,
    phone      phone,
    notes      text,
    CONSTRAINT learners_id_center_key UNIQUE (id, center_id),
    CONSTRAINT learners_center_email_key UNIQUE (center_id, email)
);
CREATE TRIGGER learners_touch BEFORE UPDATE ON learners FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX learners_center_name_idx ON learners (center_id, last_name, first_name);

CREATE TABLE learner_enrollments (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    center_id         uuid NOT NULL,
    learner_id        uuid NOT NULL,
    session_id        uuid NOT NULL,
    status            enrollment_status NOT NULL DEFAULT 'REGISTERED',
    paid_amount_cents integer CHECK (paid_amount_cents > 0),
    paid_at           timestamptz,
    payment_method    payment_method,
    cancelled_at      timestamptz,
    CONSTRAINT learner_enrollments_learner_session_key UNIQUE (learner_id, session_id),
    CONSTRAINT learner_enrollments_learner_fk FOREIGN KEY (learner_id, center_id)
        REFERENCES learners (id, center_id) ON DELETE CASCADE,
    CONSTRAINT learner_enrollments_session_fk FOREIGN KEY (session_id, center_id)
        REFERENCES formation_sessions (id, center_id) ON DELETE CASCADE,
    CHECK ((paid_amount_cents IS NULL) = (paid_at IS NULL)),
    CHECK (paid_at IS NULL OR payment_method IS NOT NULL),
    CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
);
CREATE TRIGGER learner_enrollments_touch BEFORE UPDATE ON learner_enrollments FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX learner_enrollments_session_status_idx ON learner_enrollments (session_id, status);
