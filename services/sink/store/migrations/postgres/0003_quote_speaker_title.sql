-- A quote's speaker_title: the role the article gives its speaker ("US
-- deputy secretary of state"), shown beside the name on entity and story
-- pages. Quotes stored before this migration have none until their
-- article is saved again.

ALTER TABLE quotes ADD COLUMN speaker_title TEXT NOT NULL DEFAULT '';
