-- newsflow article store, SQLite. Times are microseconds since the Unix
-- epoch (UTC). doc is the article's exact JSON; every other column is a
-- queryable copy derived from it when the article is saved.

CREATE TABLE articles (
    rid          INTEGER PRIMARY KEY,          -- stable rowid for the FTS index
    id           TEXT    NOT NULL UNIQUE,
    url          TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    site_name    TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    lede         TEXT    NOT NULL,
    published_at INTEGER,
    at           INTEGER NOT NULL,             -- published, else fetched, else first stage time
    story_id     TEXT    NOT NULL,
    duplicate_of TEXT    NOT NULL,
    entity_count INTEGER NOT NULL,
    quote_count  INTEGER NOT NULL,
    version      INTEGER NOT NULL,             -- latest stage mark, ns: the upsert rule
    hash         TEXT    NOT NULL,             -- of doc: equal versions, same content?
    stored_at    INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    doc          BLOB    NOT NULL
);
CREATE INDEX articles_at     ON articles (at, id);
CREATE INDEX articles_source ON articles (source, at, id);
CREATE INDEX articles_story  ON articles (story_id, at, id);

-- Full text over title and text. Contentless: the text already lives in
-- doc; the index only has to answer which rowids match.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, body,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Every entity ever mentioned, with running totals.
CREATE TABLE entities (
    id        TEXT    PRIMARY KEY,
    name      TEXT    NOT NULL,
    name_fold TEXT    NOT NULL,                -- lower(name), for lookups by name
    type      TEXT    NOT NULL,
    articles  INTEGER NOT NULL,
    mentions  INTEGER NOT NULL,
    last_at   INTEGER NOT NULL
);
CREATE INDEX entities_rank      ON entities (mentions DESC, id);
CREATE INDEX entities_type_rank ON entities (type, mentions DESC, id);
CREATE INDEX entities_name      ON entities (name_fold);

-- One row per entity per article.
CREATE TABLE article_entities (
    article_id TEXT    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    mentions   INTEGER NOT NULL,
    salience   REAL    NOT NULL,
    at         INTEGER NOT NULL,               -- the article's at, so entity pages need no join to sort
    PRIMARY KEY (article_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX article_entities_entity ON article_entities (entity_id, at, article_id);
CREATE INDEX article_entities_at     ON article_entities (at);

CREATE TABLE mentions (
    article_id TEXT    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id  TEXT    NOT NULL,
    ord        INTEGER NOT NULL,
    start_pos  INTEGER NOT NULL,               -- byte offsets into the article text
    end_pos    INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    PRIMARY KEY (article_id, entity_id, ord)
) WITHOUT ROWID;

CREATE TABLE quotes (
    article_id TEXT    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    speaker    TEXT    NOT NULL,
    speaker_id TEXT    NOT NULL,
    start_pos  INTEGER NOT NULL,
    end_pos    INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (article_id, ord)
) WITHOUT ROWID;
CREATE INDEX quotes_speaker ON quotes (speaker_id, at);

-- Stories, recomputed from their articles whenever one joins or leaves.
CREATE TABLE stories (
    id       TEXT    PRIMARY KEY,
    title    TEXT    NOT NULL,                 -- of the earliest article
    articles INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at  INTEGER NOT NULL
);
CREATE INDEX stories_last ON stories (last_at, id);
