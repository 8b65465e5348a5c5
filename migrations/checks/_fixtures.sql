-- Minimal rows shared by the behaviour checks; included inside each check's transaction
-- (rolled back at the end). Fixed ids so the checks read plainly:
--   users        …0a1 Claire (practitioner A), …0a2 Marc (practitioner B), …0a3 Julie (user),
--                …0a4 Léa (merchant), …0a5 Paul (user, not in any conversation)
--   practitioners …0b1 (A), …0b2 (B); clients …0c1 (of A), …0c2 (of B)
--   merchant profile …0d1, product …0e1
INSERT INTO users (id, email, role, status, first_name, last_name) VALUES
    ('00000000-0000-0000-0000-0000000000a1', 'claire@check.test', 'PRACTITIONER', 'ACTIVE', 'Claire', 'Moreau'),
    ('00000000-0000-0000-0000-0000000000a2', 'marc@check.test', 'PRACTITIONER', 'ACTIVE', 'Marc', 'Petit'),
    ('00000000-0000-0000-0000-0000000000a3', 'julie@check.test', 'FREE_USER', 'ACTIVE', 'Julie', 'Bernard'),
    ('00000000-0000-0000-0000-0000000000a4', 'lea@check.test', 'COMMERCANT', 'ACTIVE', 'Léa', 'Roux'),
    ('00000000-0000-0000-0000-0000000000a5', 'paul@check.test', 'FREE_USER', 'ACTIVE', 'Paul', 'Martin');

INSERT INTO practitioner_profiles (id, user_id, slug, public_name, siret, address_line, city, postal_code) VALUES
    ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'claire-moreau', 'Claire Moreau',
     '73282932000074', '1 rue de la Paix', 'Lyon', '69001'),
    ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000a2', 'marc-petit', 'Marc Petit',
     NULL, NULL, 'Paris', '75001');

INSERT INTO clients (id, practitioner_id, first_name, last_name, email) VALUES
    ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000b1', 'Julie', 'Bernard', 'julie@check.test'),
    ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000b2', 'Hugo', 'Lambert', 'hugo@check.test');

INSERT INTO merchant_profiles (id, user_id, slug, public_name) VALUES
    ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000a4', 'epicerie-lea', 'Épicerie de Léa');

INSERT INTO products (id, merchant_id, slug, sku, title, price_ttc_cents, status) VALUES
    ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000d1', 'miel-de-lavande', 'MIEL-250',
     'Miel de lavande 250 g', 890, 'ACTIVE');
