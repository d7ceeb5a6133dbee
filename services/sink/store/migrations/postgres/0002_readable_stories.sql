-- Stories people can read, and copies that count once.
--
-- A story row now carries what a reader needs without opening its
-- articles: a label (its most representative headline), a summary (the
-- lead sentences of its most central article), its key entities (JSON),
-- and its counts with copies (articles with a duplicate_of) apart. hash
-- is of that content: revision grows only when it changes, which is what
-- the sink's story updates are numbered and de-duplicated by. Rows from
-- before this migration keep label '' (readers show title) until their
-- story next changes.

ALTER TABLE stories
    ADD COLUMN label      text        NOT NULL DEFAULT '',
    ADD COLUMN summary    text        NOT NULL DEFAULT '',
    ADD COLUMN lead_id    text        NOT NULL DEFAULT '',
    ADD COLUMN copies     integer     NOT NULL DEFAULT 0,
    ADD COLUMN sources    integer     NOT NULL DEFAULT 0,
    ADD COLUMN entities   text        NOT NULL DEFAULT '[]',
    ADD COLUMN hash       text        NOT NULL DEFAULT '',
    ADD COLUMN revision   bigint      NOT NULL DEFAULT 0,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- The copies of an article, for "N copies" and listing them.
CREATE INDEX articles_copies ON articles (duplicate_of, rid) WHERE duplicate_of <> '';

-- Entity totals count originals only from now on: recount the entities
-- that copies counted.
UPDATE entities SET
    articles = (SELECT count(*) FROM article_entities ae JOIN articles a ON a.rid = ae.article_rid
                WHERE ae.entity_id = entities.id AND a.duplicate_of = ''),
    mentions = coalesce((SELECT sum(ae.mentions) FROM article_entities ae JOIN articles a ON a.rid = ae.article_rid
                WHERE ae.entity_id = entities.id AND a.duplicate_of = ''), 0)
WHERE id IN (SELECT ae.entity_id FROM article_entities ae JOIN articles a ON a.rid = ae.article_rid
             WHERE a.duplicate_of <> '');
