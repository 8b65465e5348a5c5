-- DOMAIN.md §3 B: the four professional profiles (shared columns, then each one's own).
CREATE TABLE practitioner_profiles (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    user_id          uuid NOT NULL CONSTRAINT practitioner_profiles_user_id_key UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    slug             slug NOT NULL CONSTRAINT practitioner_profiles_slug_key UNIQUE,
    public_name      text NOT NULL CHECK (length(public_name) <= 120),
    description      text CHECK (length(description) <= 5000),
    siret            siret,
    address_line     text,
    city             text,
    postal_code      postal_code_fr,
    phone_public     phone,
    email_public     email_addr,
    website          text,
    photo_url        text,
    verified         boolean NOT NULL DEFAULT false,
    featured         boolean NOT NULL DEFAULT false,
    specialties      text[] NOT NULL DEFAULT '{}' CHECK (cardinality(specialties) BETWEEN 0 AND 10),
    consultation_modes location_kind[] NOT NULL DEFAULT '{CABINET}',
    price_from_cents integer CHECK (price_from_cents >= 0),
    years_experience smallint CHECK (years_experience BETWEEN 0 AND 70)
);
CREATE TRIGGER practitioner_profiles_touch BEFORE UPDATE ON practitioner_profiles FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX practitioner_profiles_specialties_idx ON practitioner_profiles USING gin (specialties);
CREATE INDEX practitioner_profiles_name_trgm_idx ON practitioner_profiles USING gin (public_name gin_trgm_ops);
CREATE INDEX practitioner_profiles_city_idx ON practitioner_profiles (lower(city)) WHERE verified;
CREATE INDEX practitioner_profiles_featured_idx ON practitioner_profiles (featured DESC, public_name) WHERE verified;

CREATE TABLE artisan_profiles (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    user_id      uuid NOT NULL CONSTRAINT artisan_profiles_user_id_key UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    slug         slug NOT NULL CONSTRAINT artisan_profiles_slug_key UNIQUE,
    public_name  text NOT NULL CHECK (length(public_name) <= 120),
    description  text CHECK (length(description) <= 5000),
    siret        siret,
    address_line text,
    city         text,
    postal_code  postal_code_fr,
    phone_public phone,
    email_public email_addr,
    website      text,
    photo_url    text,
    verified     boolean NOT NULL DEFAULT false,
    featured     boolean NOT NULL DEFAULT false,
    category     text
);
CREATE TRIGGER artisan_profiles_touch BEFORE UPDATE ON artisan_profiles FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX artisan_profiles_name_trgm_idx ON artisan_profiles USING gin (public_name gin_trgm_ops);
CREATE INDEX artisan_profiles_city_idx ON artisan_profiles (lower(city)) WHERE verified;

CREATE TABLE merchant_profiles (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    user_id      uuid NOT NULL CONSTRAINT merchant_profiles_user_id_key UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    slug         slug NOT NULL CONSTRAINT merchant_profiles_slug_key UNIQUE,
    public_name  text NOT NULL CHECK (length(public_name) <= 120),
    description  text CHECK (length(description) <= 5000),
    siret        siret,
    address_line text,
    city         text,
    postal_code  postal_code_fr,
    phone_public phone,
    email_public email_addr,
    website      text,
    photo_url    text,
    verified     boolean NOT NULL DEFAULT false,
    featured     boolean NOT NULL DEFAULT false,
    category     text,
    ships_orders boolean NOT NULL DEFAULT false
);
CREATE TRIGGER merchant_profiles_touch BEFORE UPDATE ON merchant_profiles FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX merchant_profiles_name_trgm_idx ON merchant_profiles USING gin (public_name gin_trgm_ops);
CREATE INDEX merchant_profiles_city_idx ON merchant_profiles (lower(city)) WHERE verified;

CREATE TABLE center_profiles (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    user_id            uuid NOT NULL CONSTRAINT center_profiles_user_id_key UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    slug               slug NOT NULL CONSTRAINT center_profiles_slug_key UNIQUE,
    public_name        text NOT NULL CHECK (length(public_name) <= 120),
    description        text CHECK (length(description) <= 5000),
    siret              siret,
    address_line       text,
    city               text,
    postal_code        postal_code_fr,
    phone_public       phone,
    email_public       email_addr,
    website            text,
    photo_url          text,
    verified           boolean NOT NULL DEFAULT false,
    featured           boolean NOT NULL DEFAULT false,
    qualiopi_certified boolean NOT NULL DEFAULT false,
    nda_number         text CHECK (nda_number ~ '^[0-9]{11}$')
);
CREATE TRIGGER center_profiles_touch BEFORE UPDATE ON center_profiles FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX center_profiles_name_trgm_idx ON center_profiles USING gin (public_name gin_trgm_ops);
CREATE INDEX center_profiles_city_idx ON center_profiles (lower(city)) WHERE verified;
