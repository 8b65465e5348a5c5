-- DOMAIN.md §3 H: documents, messaging, notes, favorites, notifications.
CREATE TABLE documents (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    owner_user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category            document_category NOT NULL,
    practitioner_id     uuid,
    client_id           uuid,
    shared_with_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    appointment_id      uuid REFERENCES appointments (id) ON DELETE SET NULL,
    -- CASCADE, not SET NULL: a link-only share has no file of its own (DOMAIN.md H1 [R]).
    resource_id         uuid REFERENCES resources (id) ON DELETE CASCADE,
    title               text NOT NULL,
    kind                document_kind NOT NULL,
    mime_type           text NOT NULL CHECK (mime_type IN (
                            'application/pdf', 'image/jpeg', 'image/png', 'image/webp',
                            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
                            'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                            'text/plain', 'text/csv')),
    storage_key         text,
    size_bytes          bigint CHECK (size_bytes > 0 AND size_bytes <= 20971520),
    share_token_hash    bytea,
    share_expires_at    timestamptz,
    CONSTRAINT documents_client_fk FOREIGN KEY (client_id, practitioner_id)
        REFERENCES clients (id, practitioner_id) ON DELETE CASCADE,
    CHECK ((client_id IS NULL) = (practitioner_id IS NULL)),
    CHECK (storage_key IS NOT NULL OR resource_id IS NOT NULL),
    CHECK ((share_token_hash IS NULL) = (share_expires_at IS NULL)),
    CHECK (category <> 'CLIENT_FILE' OR client_id IS NOT NULL)
);
CREATE TRIGGER documents_touch BEFORE UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX documents_owner_created_idx ON documents (owner_user_id, created_at DESC);
CREATE INDEX documents_client_created_idx ON documents (client_id, created_at DESC) WHERE client_id IS NOT NULL;
CREATE INDEX documents_shared_created_idx ON documents (shared_with_user_id, created_at DESC) WHERE shared_with_user_id IS NOT NULL;

-- The application's documents (group A) can now reference this table.
ALTER TABLE pro_applications
    ADD CONSTRAINT pro_applications_diploma_fk FOREIGN KEY (diploma_doc_id) REFERENCES documents (id) ON DELETE SET NULL,
    ADD CONSTRAINT pro_applications_insurance_fk FOREIGN KEY (insurance_doc_id) REFERENCES documents (id) ON DELETE SET NULL,
    ADD CONSTRAINT pro_applications_kbis_fk FOREIGN KEY (kbis_doc_id) REFERENCES documents (id) ON DELETE SET NULL,
    ADD CONSTRAINT pro_applications_criminal_record_fk FOREIGN KEY (criminal_record_doc_id) REFERENCES documents (id) ON DELETE SET NULL;

CREATE TABLE conversations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    subject         text CHECK (length(subject) <= 200),
    direct_key      text,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    last_message_at timestamptz
);
CREATE TRIGGER conversations_touch BEFORE UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
-- Find-or-create of 1:1 conversations: ON CONFLICT (direct_key) WHERE direct_key IS NOT NULL.
CREATE UNIQUE INDEX conversations_direct_key ON conversations (direct_key) WHERE direct_key IS NOT NULL;

CREATE TABLE conversation_participants (
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at       timestamptz NOT NULL DEFAULT now(),
    last_read_at    timestamptz,
    archived        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_participants_user_idx ON conversation_participants (user_id, conversation_id);

CREATE TABLE messages (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id        uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_id              uuid REFERENCES users (id) ON DELETE SET NULL,
    body                   text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
    attachment_document_id uuid REFERENCES documents (id) ON DELETE SET NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    deleted_at             timestamptz
);
CREATE INDEX messages_conversation_created_idx ON messages (conversation_id, created_at DESC);

-- Only participants post (§7.6), whatever the handler does; the conversation's
-- last_message_at follows in the same statement.
CREATE FUNCTION messages_sender_is_participant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM conversation_participants
                    WHERE conversation_id = NEW.conversation_id AND user_id = NEW.sender_id) THEN
        RAISE EXCEPTION 'sender is not a participant of this conversation'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'messages_sender_is_participant';
    END IF;
    UPDATE conversations SET last_message_at = NEW.created_at WHERE id = NEW.conversation_id;
    RETURN NEW;
END $$;
CREATE TRIGGER messages_sender_is_participant BEFORE INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION messages_sender_is_participant();

CREATE TABLE notes (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      text NOT NULL CHECK (length(title) <= 200),
    content    text NOT NULL DEFAULT '' CHECK (length(content) <= 100000),
    tags       text[] NOT NULL DEFAULT '{}',
    pinned     boolean NOT NULL DEFAULT false
);
CREATE TRIGGER notes_touch BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX notes_user_pinned_updated_idx ON notes (user_id, pinned DESC, updated_at DESC);
CREATE INDEX notes_tags_idx ON notes USING gin (tags);

CREATE TABLE favorites (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_type favorite_target NOT NULL,
    target_id   uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT favorites_user_target_key UNIQUE (user_id, target_type, target_id)
);
CREATE INDEX favorites_target_idx ON favorites (target_type, target_id);

-- Favorites point at rows of eight tables without a foreign key; deleting a target removes
-- the favorites that name it. Attached with the target type as argument.
CREATE FUNCTION purge_favorites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM favorites WHERE target_type = TG_ARGV[0]::favorite_target AND target_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER purge_favorites AFTER DELETE ON practitioner_profiles FOR EACH ROW EXECUTE FUNCTION purge_favorites('PRACTITIONER');
CREATE TRIGGER purge_favorites AFTER DELETE ON artisan_profiles FOR EACH ROW EXECUTE FUNCTION purge_favorites('ARTISAN');
CREATE TRIGGER purge_favorites AFTER DELETE ON merchant_profiles FOR EACH ROW EXECUTE FUNCTION purge_favorites('MERCHANT');
CREATE TRIGGER purge_favorites AFTER DELETE ON center_profiles FOR EACH ROW EXECUTE FUNCTION purge_favorites('CENTER');
CREATE TRIGGER purge_favorites AFTER DELETE ON products FOR EACH ROW EXECUTE FUNCTION purge_favorites('PRODUCT');
CREATE TRIGGER purge_favorites AFTER DELETE ON artisan_services FOR EACH ROW EXECUTE FUNCTION purge_favorites('SERVICE');
CREATE TRIGGER purge_favorites AFTER DELETE ON formations FOR EACH ROW EXECUTE FUNCTION purge_favorites('FORMATION');

CREATE TABLE notifications (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type            notification_type NOT NULL,
    title           text NOT NULL,
    body            text NOT NULL,
    link            text CHECK (link ~ '^/'),
    appointment_id  uuid REFERENCES appointments (id) ON DELETE CASCADE,
    conversation_id uuid REFERENCES conversations (id) ON DELETE CASCADE,
    read_at         timestamptz,
    email_sent_at   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_user_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
