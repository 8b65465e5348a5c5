-- DOMAIN.md §3 C: practitioner agenda and booking.
CREATE TABLE agenda_settings (
    practitioner_id           uuid PRIMARY KEY REFERENCES practitioner_profiles (id) ON DELETE CASCADE,
    timezone                  text NOT NULL DEFAULT 'Europe/Paris',
    slot_step_min             smallint NOT NULL DEFAULT 15 CHECK (slot_step_min IN (5, 10, 15, 20, 30, 60)),
    buffer_min                smallint NOT NULL DEFAULT 0 CHECK (buffer_min BETWEEN 0 AND 120),
    min_notice_min            integer NOT NULL DEFAULT 120 CHECK (min_notice_min BETWEEN 0 AND 20160),
    booking_horizon_days      smallint NOT NULL DEFAULT 60 CHECK (booking_horizon_days BETWEEN 1 AND 365),
    cancellation_window_hours smallint NOT NULL DEFAULT 24 CHECK (cancellation_window_hours BETWEEN 0 AND 168),
    accept_new_clients        boolean NOT NULL DEFAULT true,
    allowed_locations         location_kind[] NOT NULL DEFAULT '{CABINET,VISIO}' CHECK (cardinality(allowed_locations) >= 1),
    default_view              text NOT NULL DEFAULT 'timeGridWeek'
                              CHECK (default_view IN ('timeGridDay', 'timeGridWeek', 'dayGridMonth', 'listWeek')),
    updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER agenda_settings_touch BEFORE UPDATE ON agenda_settings FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE appointment_types (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    practitioner_id uuid NOT NULL REFERENCES practitioner_profiles (id) ON DELETE CASCADE,
    label           text NOT NULL CHECK (length(label) <= 80),
    group_label     text,
    duration_min    smallint NOT NULL CHECK (duration_min BETWEEN 5 AND 480 AND duration_min % 5 = 0),
    price_cents     integer NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
    location_kind   location_kind NOT NULL DEFAULT 'CABINET',
    color           text CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
    online_bookable boolean NOT NULL DEFAULT true,
    active          boolean NOT NULL DEFAULT true,
    position        smallint NOT NULL DEFAULT 0,
    CONSTRAINT appointment_types_id_practitioner_key UNIQUE (id, practitioner_id)
);
CREATE TRIGGER appointment_types_touch BEFORE UPDATE ON appointment_types FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE UNIQUE INDEX appointment_types_active_label_key ON appointment_types (practitioner_id, label) WHERE active;

CREATE TABLE availability_rules (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    practitioner_id uuid NOT NULL REFERENCES practitioner_profiles (id) ON DELETE CASCADE,
    weekday         smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute    smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute      smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    location_kind   location_kind,
    CHECK (end_minute > start_minute),
    CONSTRAINT availability_rules_no_overlap EXCLUDE USING gist (
        practitioner_id WITH =, weekday WITH =, int4range(start_minute, end_minute) WITH &&)
);
CREATE TRIGGER availability_rules_touch BEFORE UPDATE ON availability_rules FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE agenda_blocks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    practitioner_id uuid NOT NULL REFERENCES practitioner_profiles (id) ON DELETE CASCADE,
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    reason          text,
    CHECK (ends_at > starts_at)
);
CREATE TRIGGER agenda_blocks_touch BEFORE UPDATE ON agenda_blocks FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX agenda_blocks_range_idx ON agenda_blocks USING gist (practitioner_id, tstzrange(starts_at, ends_at));

-- client_id references `clients` (group D): its composite FK is added there.
CREATE TABLE appointments (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    practitioner_id     uuid NOT NULL REFERENCES practitioner_profiles (id) ON DELETE CASCADE,
    client_id           uuid,
    appointment_type_id uuid,
    booked_by_user_id   uuid REFERENCES users (id) ON DELETE SET NULL,
    title               text NOT NULL,
    description         text CHECK (length(description) <= 2000),
    starts_at           timestamptz NOT NULL,
    ends_at             timestamptz NOT NULL,
    busy_until          timestamptz NOT NULL,
    location_kind       location_kind NOT NULL DEFAULT 'CABINET',
    location_text       text,
    visio_url           text CHECK (visio_url ~ '^https://'),
    price_cents         integer CHECK (price_cents >= 0),
    status              appointment_status NOT NULL DEFAULT 'SCHEDULED',
    source              appointment_source NOT NULL,
    cancel_token_hash   bytea,
    cancelled_at        timestamptz,
    cancelled_by        cancel_actor,
    cancellation_reason text,
    rescheduled_from_id uuid REFERENCES appointments (id) ON DELETE SET NULL,
    reminder_sent_at    timestamptz,
    CONSTRAINT appointments_id_practitioner_key UNIQUE (id, practitioner_id),
    CONSTRAINT appointments_type_fk FOREIGN KEY (appointment_type_id, practitioner_id)
        REFERENCES appointment_types (id, practitioner_id) ON DELETE SET NULL (appointment_type_id),
    CHECK (ends_at > starts_at),
    CHECK (ends_at - starts_at <= interval '8 hours'),
    CHECK (busy_until >= ends_at),
    CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL)),
    CHECK (cancelled_by IS NULL OR status = 'CANCELLED'),
    -- Half-open ranges: 10:00–11:00 and 11:00–12:00 do not conflict. The only guard against
    -- double booking, concurrency included (the original checked then inserted: racy).
    CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
        practitioner_id WITH =, tstzrange(starts_at, busy_until, '[)') WITH &&) WHERE (status <> 'CANCELLED')
);
CREATE TRIGGER appointments_touch BEFORE UPDATE ON appointments FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX appointments_practitioner_starts_idx ON appointments (practitioner_id, starts_at);
CREATE INDEX appointments_client_starts_idx ON appointments (client_id, starts_at DESC);
CREATE INDEX appointments_booked_by_idx ON appointments (booked_by_user_id, starts_at DESC) WHERE booked_by_user_id IS NOT NULL;
CREATE INDEX appointments_reminder_idx ON appointments (starts_at)
    WHERE status IN ('SCHEDULED', 'CONFIRMED') AND reminder_sent_at IS NULL;
CREATE INDEX appointments_type_idx ON appointments (appointment_type_id);
