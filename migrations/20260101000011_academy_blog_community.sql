-- DOMAIN.md §3 J: academy, blog, pro community.
CREATE TABLE academy_lessons (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    slug         slug NOT NULL CONSTRAINT academy_lessons_slug_key UNIQUE,
    title        text NOT NULL,
    description  text NOT NULL DEFAULT '',
    content      text NOT NULL DEFAULT '',
    kind         lesson_kind NOT NULL DEFAULT 'COURS',
    difficulty   skill_level NOT NULL DEFAULT 'DEBUTANT',
    tags         text[] NOT NULL DEFAULT '{}',
    duration_min smallint NOT NULL CHECK (duration_min > 0),
    cover_url    text,
    position     smallint NOT NULL DEFAULT 0,
    published    boolean NOT NULL DEFAULT false
);
CREATE TRIGGER academy_lessons_touch BEFORE UPDATE ON academy_lessons FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE academy_chapters (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    lesson_id    uuid NOT NULL REFERENCES academy_lessons (id) ON DELETE CASCADE,
    position     smallint NOT NULL CHECK (position >= 1),
    title        text NOT NULL,
    duration_min smallint NOT NULL CHECK (duration_min > 0),
    content      text NOT NULL DEFAULT '',
    -- Deferred so chapters can be reordered in one transaction.
    CONSTRAINT academy_chapters_lesson_position_key UNIQUE (lesson_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE TRIGGER academy_chapters_touch BEFORE UPDATE ON academy_chapters FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE academy_progress (
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id      uuid NOT NULL REFERENCES academy_lessons (id) ON DELETE CASCADE,
    status         progress_status NOT NULL DEFAULT 'NOT_STARTED',
    percent        smallint NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    favorite       boolean NOT NULL DEFAULT false,
    liked          boolean NOT NULL DEFAULT false,
    last_viewed_at timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, lesson_id),
    CHECK (status <> 'COMPLETED' OR percent = 100),
    CHECK (status <> 'NOT_STARTED' OR percent = 0)
);
CREATE TRIGGER academy_progress_touch BEFORE UPDATE ON academy_progress FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX academy_progress_lesson_liked_idx ON academy_progress (lesson_id) WHERE liked;

CREATE TABLE academy_chapter_completions (
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chapter_id   uuid NOT NULL REFERENCES academy_chapters (id) ON DELETE CASCADE,
    completed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, chapter_id)
);

CREATE TABLE academy_lesson_notes (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id  uuid NOT NULL REFERENCES academy_lessons (id) ON DELETE CASCADE,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000)
);
CREATE TRIGGER academy_lesson_notes_touch BEFORE UPDATE ON academy_lesson_notes FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX academy_lesson_notes_user_lesson_idx ON academy_lesson_notes (user_id, lesson_id);

CREATE TABLE academy_comments (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    lesson_id  uuid NOT NULL REFERENCES academy_lessons (id) ON DELETE CASCADE,
    author_id  uuid REFERENCES users (id) ON DELETE SET NULL,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    deleted_at timestamptz
);
CREATE TRIGGER academy_comments_touch BEFORE UPDATE ON academy_comments FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX academy_comments_lesson_created_idx ON academy_comments (lesson_id, created_at);

CREATE TABLE articles (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    slug                slug NOT NULL CONSTRAINT articles_slug_key UNIQUE,
    title               text NOT NULL,
    excerpt             text CHECK (length(excerpt) <= 400),
    content             text NOT NULL DEFAULT '' CHECK (length(content) <= 100000),
    cover_url           text,
    category            text,
    tags                text[] NOT NULL DEFAULT '{}',
    author_user_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    author_display_name text NOT NULL,
    status              article_status NOT NULL DEFAULT 'DRAFT',
    reading_minutes     smallint NOT NULL DEFAULT 5 CHECK (reading_minutes BETWEEN 1 AND 120),
    views               integer NOT NULL DEFAULT 0 CHECK (views >= 0),
    submitted_at        timestamptz,
    published_at        timestamptz,
    review_note         text,
    reviewed_by         uuid REFERENCES users (id) ON DELETE SET NULL,
    CHECK (status <> 'PUBLISHED' OR published_at IS NOT NULL)
);
CREATE TRIGGER articles_touch BEFORE UPDATE ON articles FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX articles_published_idx ON articles (published_at DESC) WHERE status = 'PUBLISHED';
CREATE INDEX articles_author_status_idx ON articles (author_user_id, status);
CREATE INDEX articles_tags_idx ON articles USING gin (tags);
CREATE INDEX articles_category_published_idx ON articles (category, published_at DESC) WHERE status = 'PUBLISHED';
CREATE TRIGGER purge_favorites AFTER DELETE ON articles FOR EACH ROW EXECUTE FUNCTION purge_favorites('ARTICLE');

CREATE TABLE article_likes (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX article_likes_article_idx ON article_likes (article_id);

CREATE TABLE pro_advantages (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    owner_user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title         text NOT NULL,
    type          advantage_type NOT NULL,
    description   text,
    percentage    smallint CHECK (type <> 'REDUCTION' OR percentage BETWEEN 1 AND 100),
    active        boolean NOT NULL DEFAULT true
);
CREATE TRIGGER pro_advantages_touch BEFORE UPDATE ON pro_advantages FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX pro_advantages_owner_idx ON pro_advantages (owner_user_id);

CREATE TABLE impact_opportunities (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    kind        opportunity_kind NOT NULL,
    title       text NOT NULL,
    company     text NOT NULL,
    location    text,
    description text NOT NULL,
    apply_url   text,
    open        boolean NOT NULL DEFAULT true,
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL
);
CREATE TRIGGER impact_opportunities_touch BEFORE UPDATE ON impact_opportunities FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE impact_applications (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    opportunity_id uuid NOT NULL REFERENCES impact_opportunities (id) ON DELETE CASCADE,
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message        text CHECK (length(message) <= 3000),
    status         application_status NOT NULL DEFAULT 'PENDING',
    CONSTRAINT impact_applications_opportunity_user_key UNIQUE (opportunity_id, user_id)
);
CREATE TRIGGER impact_applications_touch BEFORE UPDATE ON impact_applications FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE INDEX impact_applications_user_idx ON impact_applications (user_id);
