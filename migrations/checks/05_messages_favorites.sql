-- Messaging (DOMAIN.md §3 H2–H4, §7.6) and favorites purge (H6).
\ir _helpers.sql
BEGIN;
\ir _fixtures.sql

-- A 1:1 conversation between Julie (…0a3) and Claire (…0a1).
INSERT INTO conversations (id, direct_key, created_by)
VALUES ('00000000-0000-0000-0000-000000000301',
        '00000000-0000-0000-0000-0000000000a1:00000000-0000-0000-0000-0000000000a3',
        '00000000-0000-0000-0000-0000000000a3');
INSERT INTO conversation_participants (conversation_id, user_id) VALUES
    ('00000000-0000-0000-0000-000000000301', '00000000-0000-0000-0000-0000000000a1'),
    ('00000000-0000-0000-0000-000000000301', '00000000-0000-0000-0000-0000000000a3');

SELECT pg_temp.ok('a participant posts',
    $$INSERT INTO messages (conversation_id, sender_id, body, created_at)
      VALUES ('00000000-0000-0000-0000-000000000301', '00000000-0000-0000-0000-0000000000a3',
              'Bonjour, je voudrais un rendez-vous.', '2026-04-01 09:30+02')$$);
SELECT pg_temp.eq('the trigger set conversations.last_message_at',
    (SELECT last_message_at FROM conversations WHERE id = '00000000-0000-0000-0000-000000000301'),
    '2026-04-01 09:30+02'::timestamptz);

SELECT pg_temp.fails('a non-participant cannot post (→ 404)',
    $$INSERT INTO messages (conversation_id, sender_id, body)
      VALUES ('00000000-0000-0000-0000-000000000301', '00000000-0000-0000-0000-0000000000a5', 'Intrus')$$,
    '23514', 'messages_sender_is_participant');
SELECT pg_temp.fails('a message without sender cannot be inserted',
    $$INSERT INTO messages (conversation_id, sender_id, body)
      VALUES ('00000000-0000-0000-0000-000000000301', NULL, 'Anonyme')$$,
    '23514', 'messages_sender_is_participant');
SELECT pg_temp.fails('a blank body is refused',
    $$INSERT INTO messages (conversation_id, sender_id, body)
      VALUES ('00000000-0000-0000-0000-000000000301', '00000000-0000-0000-0000-0000000000a1', '   ')$$,
    '23514', NULL);
SELECT pg_temp.eq('failed posts left last_message_at alone',
    (SELECT last_message_at FROM conversations WHERE id = '00000000-0000-0000-0000-000000000301'),
    '2026-04-01 09:30+02'::timestamptz);

SELECT pg_temp.fails('one direct conversation per pair (find-or-create key)',
    $$INSERT INTO conversations (direct_key)
      VALUES ('00000000-0000-0000-0000-0000000000a1:00000000-0000-0000-0000-0000000000a3')$$,
    '23505', 'conversations_direct_key');

-- Deleting an account keeps its messages with sender_id NULL (§7.6).
DELETE FROM users WHERE id = '00000000-0000-0000-0000-0000000000a3';
SELECT pg_temp.eq('the deleted sender''s message stays, sender NULL',
    (SELECT count(*) FROM messages WHERE conversation_id = '00000000-0000-0000-0000-000000000301'
        AND sender_id IS NULL), 1::bigint);

-- Favorites: polymorphic targets, purged when the target row is deleted.
INSERT INTO artisan_profiles (id, user_id, slug, public_name)
VALUES ('00000000-0000-0000-0000-000000000401', '00000000-0000-0000-0000-0000000000a5', 'atelier-paul', 'Atelier Paul');
INSERT INTO articles (id, slug, title, author_display_name)
VALUES ('00000000-0000-0000-0000-000000000402', 'bien-dormir', 'Bien dormir', 'Équipe SPYMEO');
INSERT INTO favorites (user_id, target_type, target_id) VALUES
    ('00000000-0000-0000-0000-0000000000a5', 'PRACTITIONER', '00000000-0000-0000-0000-0000000000b2'),
    ('00000000-0000-0000-0000-0000000000a4', 'PRACTITIONER', '00000000-0000-0000-0000-0000000000b2'),
    ('00000000-0000-0000-0000-0000000000a4', 'PRODUCT', '00000000-0000-0000-0000-0000000000e1'),
    ('00000000-0000-0000-0000-0000000000a4', 'ARTISAN', '00000000-0000-0000-0000-000000000401'),
    ('00000000-0000-0000-0000-0000000000a4', 'ARTICLE', '00000000-0000-0000-0000-000000000402'),
    -- Same uuid under another type: must survive the purge of the PRACTITIONER target.
    ('00000000-0000-0000-0000-0000000000a4', 'CENTER', '00000000-0000-0000-0000-0000000000b2');

SELECT pg_temp.fails('a favorite is toggled, not duplicated',
    $$INSERT INTO favorites (user_id, target_type, target_id)
      VALUES ('00000000-0000-0000-0000-0000000000a4', 'PRODUCT', '00000000-0000-0000-0000-0000000000e1')$$,
    '23505', 'favorites_user_target_key');

DELETE FROM practitioner_profiles WHERE id = '00000000-0000-0000-0000-0000000000b2';
SELECT pg_temp.eq('deleting a practitioner profile purges its favorites (of every user)',
    (SELECT count(*) FROM favorites WHERE target_type = 'PRACTITIONER'), 0::bigint);
SELECT pg_temp.eq('… and only those of that target type',
    (SELECT count(*) FROM favorites WHERE target_type = 'CENTER'), 1::bigint);
DELETE FROM products WHERE id = '00000000-0000-0000-0000-0000000000e1';
SELECT pg_temp.eq('deleting a product purges its favorites',
    (SELECT count(*) FROM favorites WHERE target_type = 'PRODUCT'), 0::bigint);
DELETE FROM articles WHERE id = '00000000-0000-0000-0000-000000000402';
SELECT pg_temp.eq('deleting an article purges its favorites (trigger added in group J)',
    (SELECT count(*) FROM favorites WHERE target_type = 'ARTICLE'), 0::bigint);
-- Cascade: deleting the user deletes the artisan profile, whose trigger purges its favorites.
DELETE FROM users WHERE id = '00000000-0000-0000-0000-0000000000a5';
SELECT pg_temp.eq('a target deleted by cascade is purged too',
    (SELECT count(*) FROM favorites WHERE target_type = 'ARTISAN'), 0::bigint);

ROLLBACK;
