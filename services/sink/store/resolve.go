package store

import (
	"context"
	"fmt"
	"strings"
)

// How an entity reference was matched (EntityMatch.How).
const (
	MatchID       = "id"       // the entity's id
	MatchName     = "name"     // its name, case-insensitively
	MatchWords    = "words"    // whole words of its name: a surname, "Putin" for "Vladimir Putin"
	MatchSpelling = "spelling" // a way an article wrote it ("Rybakov" for Sergei Ryabkov)
)

// EntityMatch is what an entity reference (an id, a name, part of a name
// or a spelling) stands for.
type EntityMatch struct {
	// Entity is the entity chosen: the one named, or the most mentioned
	// of those matching.
	Entity EntityStat `json:"entity"`
	// IDs are the entities a query by the reference selects: Entity's
	// id, or every entity bearing the exact name asked for.
	IDs []string `json:"ids"`
	// How is how it matched: MatchID, MatchName, MatchWords or MatchSpelling.
	How string `json:"match"`
	// Others are further entities that matched as well (words or
	// spelling), the most mentioned first, up to three: the reference was
	// ambiguous, and the full name or id chooses.
	Others []EntityStat `json:"others,omitempty"`
}

// resolveCandidates bounds the entities looked at for a partial match.
const resolveCandidates = 200

// ResolveEntity implements Reader. The order is the rule: an id, then an
// exact name, then whole words of a name, then a written form; among
// several matches of one kind the most mentioned wins.
func (r *sqlReader) ResolveEntity(ctx context.Context, ref string) (EntityMatch, error) {
	ref = strings.TrimSpace(ref)
	fold := strings.ToLower(ref)
	if ref == "" {
		return EntityMatch{}, fmt.Errorf("%w: an empty entity", ErrBadQuery)
	}
	const cols = `SELECT e.id, e.name, e.type, e.articles, e.mentions, e.last_at FROM entities e WHERE e.articles > 0`
	es, err := r.entityStats(ctx, r.newQuery().add(cols+` AND (e.id = ? OR e.name_fold = ?) ORDER BY e.id = ? DESC, e.mentions DESC, e.id`, ref, fold, ref))
	if err != nil {
		return EntityMatch{}, err
	}
	if len(es) > 0 {
		if es[0].ID == ref {
			return EntityMatch{Entity: es[0], IDs: []string{ref}, How: MatchID}, nil
		}
		m := EntityMatch{Entity: es[0], How: MatchName}
		for _, e := range es {
			m.IDs = append(m.IDs, e.ID)
		}
		return m, nil
	}
	// Whole words of a name: the name contains them (an indexable
	// question for neither engine, but over entities, not mentions).
	es, err = r.entityStats(ctx, r.newQuery().add(cols+` AND e.name_fold LIKE ? ESCAPE '\' ORDER BY e.mentions DESC, e.id LIMIT ?`,
		likeContains(fold), resolveCandidates))
	if err != nil {
		return EntityMatch{}, err
	}
	var words []EntityStat
	for _, e := range es {
		if containsWords(e.Name, ref) {
			words = append(words, e)
		}
	}
	if len(words) > 0 {
		return matchOf(words, MatchWords), nil
	}
	// A form some article wrote it in: the full-text index finds the
	// newest articles holding those words, and their mentions say which
	// entity was written so.
	es, err = r.spelledAs(ctx, ref)
	if err != nil {
		return EntityMatch{}, err
	}
	if len(es) > 0 {
		return matchOf(es, MatchSpelling), nil
	}
	return EntityMatch{}, fmt.Errorf("entity %q: %w", ref, ErrNotFound)
}

// spellingWindow is how many of the newest articles containing a
// spelling's words are looked at for mentions written so.
const spellingWindow = 200

// spelledAs lists the entities some of the newest articles containing
// ref's words mention as ref exactly (case-insensitively).
func (r *sqlReader) spelledAs(ctx context.Context, ref string) ([]EntityStat, error) {
	words := searchWords(ref)
	if len(words) == 0 || len(words) > maxSearchTerms {
		return nil, nil
	}
	f := articleFilter{search: &searchQuery{any: [][]searchTerm{{{words: words}}}}, copies: true, limit: spellingWindow}
	sums, err := r.pageRows(ctx, f, nil)
	if err != nil || len(sums) == 0 {
		return nil, err
	}
	q := r.newQuery().add(`SELECT e.id, e.name, e.type, e.articles, e.mentions, e.last_at FROM entities e
		WHERE e.articles > 0 AND e.id IN (SELECT DISTINCT m.entity_id FROM mentions m WHERE lower(m.text) = ? AND m.article_rid IN (`,
		strings.ToLower(ref))
	for i, s := range sums {
		if i > 0 {
			q.add(",")
		}
		q.add("?", s.rid)
	}
	q.add(`)) ORDER BY e.mentions DESC, e.id LIMIT ?`, resolveCandidates)
	return r.entityStats(ctx, q)
}

func matchOf(es []EntityStat, how string) EntityMatch {
	m := EntityMatch{Entity: es[0], IDs: []string{es[0].ID}, How: how}
	if len(es) > 1 {
		m.Others = es[1:min(len(es), 4)]
	}
	return m
}

// containsWords reports whether part is a run of whole words of name,
// case-insensitively ("Putin" of "Vladimir Putin", not of "Putinism").
func containsWords(name, part string) bool {
	n, p := searchWords(name), searchWords(part)
	if len(p) == 0 {
		return false
	}
	for i := 0; i+len(p) <= len(n); i++ {
		match := true
		for j := range p {
			match = match && n[i+j] == p[j]
		}
		if match {
			return true
		}
	}
	return false
}

func (r *sqlReader) entityStats(ctx context.Context, q *query) ([]EntityStat, error) {
	rows, err := r.db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("store: resolving an entity: %w", err)
	}
	defer rows.Close()
	var out []EntityStat
	for rows.Next() {
		var (
			e    EntityStat
			last dbTime
		)
		if err := rows.Scan(&e.ID, &e.Name, &e.Type, &e.ArticleCount, &e.Mentions, &last); err != nil {
			return nil, fmt.Errorf("store: resolving an entity: %w", err)
		}
		e.LastSeen = last.t
		out = append(out, e)
	}
	return out, rows.Err()
}
