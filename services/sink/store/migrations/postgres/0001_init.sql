-- newsflow article store, PostgreSQL. doc is the article's exact JSON;
-- every other column is a queryable copy derived from it when the article
-- is saved.

CREATE TABLE articles (
    id           text        PRIMARY KEY,
    url          text        NOT NULL,
    source       text        NOT NULL,
    site_name    text        NOT NULL,
    title        text        NOT NULL,
    lang         text        NOT NULL,
    lede         text        NOT NULL,
    published_at timestamptz,
    at           timestamptz NOT NULL,          -- published, else fetched, else first stage time
    story_id     text        NOT NULL,
    duplicate_of text        NOT NULL,
    entity_count integer     NOT NULL,
    quote_count  integer     NOT NULL,
    version      bigint      NOT NULL,          -- latest stage mark, ns: the upsert rule
    hash         text        NOT NULL,          -- of doc: equal versions, same content?
    stored_at    timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    tsv          tsvector    NOT NULL,          -- title (weight A) and text (B)
    doc          bytea       NOT NULL           -- bytes, not jsonb: kept exactly as saved
);
CREATE INDEX articles_at     ON articles (at, id);
CREATE INDEX articles_source ON articles (source, at, id);
CREATE INDEX articles_story  ON articles (story_id, at, id);
CREATE INDEX articles_tsv    ON articles USING gin (tsv);

-- Every entity ever mentioned, with running totals.
CREATE TABLE entities (
    id        text        PRIMARY KEY,
    name      text        NOT NULL,
    name_fold text        NOT NULL,             -- lower(name), for lookups by name
    type      text        NOT NULL,
    articles  integer     NOT NULL,
    mentions  integer     NOT NULL,
    last_at   timestamptz NOT NULL
);
CREATE INDEX entities_rank      ON entities (mentions DESC, id);
CREATE INDEX entities_type_rank ON entities (type, mentions DESC, id);
CREATE INDEX entities_name      ON entities (name_fold);

-- One row per entity per article.
CREATE TABLE article_entities (
    article_id text             NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id  text             NOT NULL,
    name       text             NOT NULL,
    type       text             NOT NULL,
    mentions   integer          NOT NULL,
    salience   double precision NOT NULL,
    at         timestamptz      NOT NULL,       -- the article's at, so entity pages need no join to sort
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX article_entities_entity ON article_entities (entity_id, at, article_id);
CREATE INDEX article_entities_at     ON article_entities (at);

CREATE TABLE mentions (
    article_id text    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id  text    NOT NULL,
    ord        integer NOT NULL,
    start_pos  integer NOT NULL,                -- byte offsets into the article text
    end_pos    integer NOT NULL,
    text       text    NOT NULL,
    PRIMARY KEY (article_id, entity_id, ord)
);

CREATE TABLE quotes (
    article_id text        NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        integer     NOT NULL,
    text       text        NOT NULL,
    speaker    text        NOT NULL,
    speaker_id text        NOT NULL,
    start_pos  integer     NOT NULL,
    end_pos    integer     NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (article_id, ord)
);
CREATE INDEX quotes_speaker ON quotes (speaker_id, at);

-- Stories, recomputed from their articles whenever one joins or leaves.
CREATE TABLE stories (
    id       text        PRIMARY KEY,
    title    text        NOT NULL,              -- of the earliest article
    articles integer     NOT NULL,
    first_at timestamptz NOT NULL,
    last_at  timestamptz NOT NULL
);
CREATE INDEX stories_last ON stories (last_at, id);
