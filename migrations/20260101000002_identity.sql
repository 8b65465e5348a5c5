-- DOMAIN.md §3 A: identity and authentication.
CREATE TABLE users (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email                email_addr NOT NULL CONSTRAINT users_email_key UNIQUE,
    password_hash        text,
    role                 role NOT NULL DEFAULT 'FREE_USER',
    status               user_status NOT NULL DEFAULT 'ACTIVE',
    first_name           text CHECK (length(first_name) <= 80),
    last_name            text CHECK (length(last_name) <= 80),
    phone                phone,
    birth_date           date CHECK (birth_date > '1900-01-01'),
    address_line         text,
    city                 text,
    postal_code          postal_code_fr,
    email_verified_at    timestamptz,
    admin_notes          text,
    pro_membership_until timestamptz,
    last_login_at        timestamptz,
    deleted_at           timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pro_status_chk CHECK (
        status NOT IN ('PENDING_VALIDATION', 'PENDING_PAYMENT', 'REJECTED')
        OR role IN ('PRACTITIONER', 'ARTISAN', 'COMMERCANT', 'CENTER'))
);
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX users_role_status_created_idx ON users (role, status, created_at DESC);
CREATE INDEX users_created_idx ON users (created_at DESC);

CREATE TABLE profiles (
    user_id                   uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    avatar_url                text,
    bio                       text CHECK (length(bio) <= 2000),
    website                   text CHECK (website ~ '^https?://'),
    notify_appointments_email boolean NOT NULL DEFAULT true,
    notify_messages_email     boolean NOT NULL DEFAULT true,
    newsletter                boolean NOT NULL DEFAULT false,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER profiles_touch BEFORE UPDATE ON profiles FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ip           inet,
    user_agent   text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE password_reset_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id);

-- The four document columns reference `documents` (group H): their foreign keys are added
-- in the migration that creates that table (DOMAIN.md §1 [R]).
CREATE TABLE pro_applications (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    user_id                uuid NOT NULL CONSTRAINT pro_applications_user_id_key UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    requested_role         role NOT NULL CHECK (requested_role IN ('PRACTITIONER', 'ARTISAN', 'COMMERCANT', 'CENTER')),
    discipline             text NOT NULL,
    experience_years       smallint CHECK (experience_years BETWEEN 0 AND 70),
    ethics_statement       text CHECK (length(ethics_statement) <= 5000),
    diploma_doc_id         uuid,
    insurance_doc_id       uuid,
    kbis_doc_id            uuid,
    criminal_record_doc_id uuid,
    status                 application_status NOT NULL DEFAULT 'PENDING',
    reviewed_by            uuid REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at            timestamptz,
    decision_note          text,
    CHECK ((status = 'PENDING') = (reviewed_at IS NULL))
);
CREATE TRIGGER pro_applications_touch BEFORE UPDATE ON pro_applications FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX pro_applications_status_created_idx ON pro_applications (status, created_at);
