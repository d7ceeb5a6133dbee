package canon

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/services/enricher/enrich/lexicon"
)

// Memory is the cross-article entity memory the enricher replicas share.
// It keeps, for each entity id it has seen, the names and spellings the
// articles used, its type, and its context: the ids of the entities named
// beside it and the offices ("minister", "coach") written next to its
// name. A new article's entities are joined to it by Link.
//
// The memory only ever joins: an entity it does not recognise keeps the id
// its name gives it (EntityID), so an enricher without a memory, or with
// an empty one, gives the same ids as before.
//
// Implementations must be safe for concurrent use. They need not be
// serializable: two replicas meeting two spellings of a new name at the
// same moment may both miss the other, and the two ids then stay apart
// (docs/CONTRACT.md). LocalMemory is the in-process implementation; package
// entitykv keeps it in a JetStream key-value bucket.
type Memory interface {
	// Recall returns the remembered entities indexed under any of keys.
	Recall(ctx context.Context, keys []string) ([]Remembered, error)
	// Remember merges each record into the stored one with its id
	// (Remembered.Merge) and indexes it under its keys.
	Remember(ctx context.Context, recs []Remembered) error
}

// ErrMemory wraps a failing memory's error: the article can be retried.
var ErrMemory = errors.New("canon: entity memory")

// Bounds of one remembered entity, so that a record stays small however
// many articles name it.
const (
	// MaxSpellings is how many names a record keeps, most used first.
	MaxSpellings = 8
	// MaxClues is how many context clues a record keeps, most seen first.
	MaxClues = 16
	// MaxKeyMembers is how many ids a memory index key keeps, most
	// recently remembered last ("John S" names many people).
	MaxKeyMembers = 16
)

// Remembered is what the memory keeps of one entity.
type Remembered struct {
	ID       string              `json:"id"`
	Type     pipeline.EntityType `json:"type"`
	Names    []Count             `json:"names"`
	Clues    []Count             `json:"clues,omitempty"`
	Articles int                 `json:"articles"`
	// Keys are the index keys the entity is found under.
	Keys []string `json:"keys"`
}

// Count is a name or a clue with how many articles gave it.
type Count struct {
	Key string `json:"k"`
	N   int    `json:"n"`
}

// Name is the entity's most used spelling.
func (r *Remembered) Name() string {
	if len(r.Names) == 0 {
		return ""
	}
	return r.Names[0].Key
}

// Merge adds o (the same entity seen in another article) to r: counts add
// up, the most used names and clues are kept, keys are united.
func (r *Remembered) Merge(o Remembered) {
	r.Articles += o.Articles
	r.Names = mergeCounts(r.Names, o.Names, MaxSpellings)
	r.Clues = mergeCounts(r.Clues, o.Clues, MaxClues)
	for _, k := range o.Keys {
		if !slices.Contains(r.Keys, k) {
			r.Keys = append(r.Keys, k)
		}
	}
	if r.Type == "" {
		r.Type = o.Type
	}
}

// mergeScanMax is the number of counts up to which mergeCounts finds a key
// by scanning rather than through a map.
const mergeScanMax = 16

func mergeCounts(a, b []Count, limit int) []Count {
	out := slices.Clone(a)
	if len(out)+len(b) > mergeScanMax {
		// An article's clues are every other entity in it, for each
		// entity: a scan per count would be cubic in the entities.
		at := make(map[string]int, len(out)+len(b))
		for i, x := range out {
			if _, ok := at[x.Key]; !ok {
				at[x.Key] = i
			}
		}
		for _, c := range b {
			if i, ok := at[c.Key]; ok {
				out[i].N += c.N
			} else {
				at[c.Key] = len(out)
				out = append(out, c)
			}
		}
	} else {
		for _, c := range b {
			if i := slices.IndexFunc(out, func(x Count) bool { return x.Key == c.Key }); i >= 0 {
				out[i].N += c.N
			} else {
				out = append(out, c)
			}
		}
	}
	// Stable: among equal counts the older entry stays first, so the
	// canonical name only changes when another spelling is used more.
	slices.SortStableFunc(out, func(x, y Count) int { return y.N - x.N })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Index keys. A person with a first name is found by first name and the
// initial of the surname (so a misspelt surname still finds it) and by
// surname; another entity by its name key and, for a name of several
// words, by its first word (the short form a company goes by) and its last
// word when that is no ordinary word (the nickname a club goes by:
// "Mariners").
const (
	keyPersonFirst = "pf\x00"
	keySurname     = "ps\x00"
	keyName        = "n\x00"
	keyHead        = "h\x00"
	keyTail        = "t\x00"
	keyShort       = "s\x00"
)

// minClues is how many context clues a mention that is not spelt like the
// remembered entity (a near-spelling, a surname or short form alone) must
// share with it to join it.
const minClues = 2

// minOrgClues is minClues for an organisation: its other forms (a short
// form, a misspelling) are rarer than a surname shared by strangers, and
// one entity named beside it in both articles is enough (dev set: 1
// against 2 joins "NV Philips Gloielampenfabrieken" to "Philips
// Gloeilampenfabrieken", and nothing wrong).
const minOrgClues = 1

// linkable is an entity of the article with what the memory matches on.
type linkable struct {
	e *Entity
	// first and sur are the folded first name and surname of a person
	// ("" when unknown); key the name key of anything else.
	first, sur, key string
	lookup          []string // keys to recall
	index           []string // keys to be remembered under
	roles           []string // offices written next to a person's name
	// forms are the words of an organisation's names of several words,
	// as nearOrg compares them.
	forms [][]string
	// doubtful: a "person" with no given name, perhaps the recogniser's
	// mistake for a place or company.
	doubtful bool
}

// Link joins the article's entities to the entities the memory knows, and
// then teaches the memory what the article says of them. An entity joins a
// remembered one when
//
//   - one of its spellings is a remembered spelling (same type), or
//   - it is a person with a first name whose surname is a near-spelling of
//     the remembered person's, with the same first name, and the two share
//     at least minClues context clues (co-occurring entities, offices), or
//   - it is a bare surname or a one-word organisation name, the article
//     has no fuller name for it, and exactly one remembered person or
//     organisation of that surname or first word shares minClues clues with
//     it (minOrgClues for an organisation), more than any other, or
//   - it is an organisation whose name of several words is a remembered
//     one written otherwise (nearOrg: "Dominion Textiles Inc of Canada"
//     and "Dominion Textile", "U.S. Securities and Exchange Commission"
//     and "Securities and Exchange Commission"), sharing minOrgClues.
//
// A joined entity takes the remembered id and name. Two entities of the
// article that join one remembered entity become one. Entities the
// gazetteer knows are left alone: their id is already the same everywhere.
func Link(ctx context.Context, m Memory, text string, ents []*Entity) ([]*Entity, error) {
	return link(ctx, m, nil, text, ents)
}

// link is Link; with locks, it holds the article's memory keys (the keys
// it recalls and the keys it is remembered under) from before its Recall
// to after its Remember.
func link(ctx context.Context, m Memory, locks *keyLocks, text string, ents []*Entity) ([]*Entity, error) {
	if m == nil || len(ents) == 0 {
		return ents, nil
	}
	ls := make([]linkable, 0, len(ents))
	var keys []string
	for _, e := range ents {
		if l, ok := linkOf(e); ok {
			ls = append(ls, l)
			keys = append(keys, l.lookup...)
		}
	}
	if len(ls) == 0 {
		return ents, nil
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if locks != nil {
		held := keys
		for _, l := range ls {
			held = append(held, l.index...)
		}
		slices.Sort(held)
		held = slices.Compact(held)
		locks.lock(held)
		defer locks.unlock(held)
	}
	cands, err := m.Recall(ctx, keys)
	if err != nil {
		return ents, errors.Join(ErrMemory, err)
	}
	clues := articleClues(ents)
	for i := range ls {
		l := &ls[i]
		l.roles = rolesOf(text, l.e)
		if r := l.match(cands, clues); r != nil {
			// The remembered entity's most used name, the first seen
			// among equals, names it in every article that joins it.
			l.e.ID, l.e.Name = r.ID, r.Name()
		}
	}
	byID := map[string]*Entity{}
	// Entities that joined one remembered entity are one.
	out := ents[:0]
	for _, e := range ents {
		if first, ok := byID[e.ID]; ok {
			first.absorb(e)
			first.Salience = max(first.Salience, e.Salience)
			slices.SortFunc(first.Mentions, func(a, b pipeline.Mention) int { return a.Start - b.Start })
			continue
		}
		byID[e.ID] = e
		out = append(out, e)
	}
	recs := make([]Remembered, 0, len(ls))
	for _, l := range ls {
		if len(l.e.Mentions) == 0 || len(l.index) == 0 {
			continue
		}
		recs = append(recs, l.record(ents))
	}
	if err := m.Remember(ctx, recs); err != nil {
		return out, errors.Join(ErrMemory, err)
	}
	return out, nil
}

// linkOf says what the memory matches an entity on; false for entities the
// memory does not handle (known to the gazetteer, nationalities).
func linkOf(e *Entity) (linkable, bool) {
	l := linkable{e: e}
	if e.Known != nil && !e.Known.listed || len(e.Mentions) == 0 {
		// A place known only from the city lists is remembered like any
		// other: a "person" of that name finds it (doubtful below).
		return l, false
	}
	switch e.Type {
	case pipeline.Person:
		parts := strings.Fields(PersonKey(e.Name))
		switch {
		case len(parts) >= 2:
			l.first, l.sur = parts[0], strings.Join(surnameWords(parts), " ")
			k := keyPersonFirst + l.first + "\x00" + initialOf(l.sur)
			l.lookup = []string{k}
			l.index = []string{k, keySurname + l.sur}
		case len(parts) == 1:
			l.sur = parts[0]
			l.lookup = []string{keySurname + l.sur}
		default:
			return l, false
		}
		if _, given := lexicon.FirstName(parts[0]); !given || len(parts) == 1 {
			// Perhaps not a person at all ("Dish Network", "Denver"): a
			// place or company the memory knows by this very name is it.
			l.doubtful = true
			l.lookup = append(l.lookup, keyName+OrgKey(e.Name))
		}
	case pipeline.Organization, pipeline.Location, pipeline.Misc:
		l.key = OrgKey(e.Name)
		if l.key == "" {
			return l, false
		}
		ws := strings.Fields(l.key)
		nk := keyName + l.key
		l.lookup = []string{nk}
		l.index = []string{nk}
		if e.Type == pipeline.Misc && len(ws) == 1 && e.Known == nil {
			// A one-word "other" name is looked for as a company's short
			// form too ("Dish", "Dish Network"), and remembered as one.
			l.lookup = append(l.lookup, keyHead+ws[0])
			l.index = append(l.index, keyShort+ws[0])
		}
		if e.Type == pipeline.Organization {
			if len(ws) == 1 {
				l.lookup = append(l.lookup, keyHead+ws[0], keyTail+ws[0])
				// Remembered as a short form, so that the longer name
				// finds it in either order.
				l.index = append(l.index, keyShort+ws[0])
			} else {
				if utf8.RuneCountInString(ws[0]) > 2 {
					l.index = append(l.index, keyHead+ws[0])
				}
				if last := ws[len(ws)-1]; utf8.RuneCountInString(last) > 3 && !lexicon.IsCommon(last) {
					l.index = append(l.index, keyTail+last)
				}
			}
			// Its longer names find the same company written otherwise
			// in another article, by their first word, and the short
			// form remembered before them.
			for n := range e.names {
				if f := orgForm(n); len(f) > 1 {
					l.forms = append(l.forms, f)
					if utf8.RuneCountInString(f[0]) > 2 {
						l.lookup = append(l.lookup, keyHead+f[0], keyShort+f[0])
					}
				}
			}
		}
	default:
		return l, false
	}
	return l, true
}

func initialOf(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// articleClues are the context clues an article gives every entity in it:
// the ids of the entities it names.
func articleClues(ents []*Entity) map[string]bool {
	c := make(map[string]bool, len(ents))
	for _, e := range ents {
		c[e.ID] = true
	}
	return c
}

// shared counts the clues of r found in the article, leaving out r itself.
func shared(r *Remembered, clues map[string]bool, roles map[string]bool) int {
	n := 0
	for _, c := range r.Clues {
		if c.Key != r.ID && (clues[c.Key] || roles[c.Key]) {
			n++
		}
	}
	return n
}

func (l *linkable) match(cands []Remembered, clues map[string]bool) *Remembered {
	e := l.e
	spellings := map[string]bool{}
	for n := range e.names {
		spellings[spellingKey(e.Type, n)] = true
	}
	spellings[spellingKey(e.Type, e.Name)] = true
	roles := map[string]bool{}
	for _, ro := range l.roles {
		roles[roleClue+ro] = true
	}
	var best *Remembered
	bestN, second := -1, -1
	for i := range cands {
		r := &cands[i]
		if (r.Type == pipeline.Person) != (e.Type == pipeline.Person) {
			if l.doubtful && r.Type != pipeline.Person && slices.ContainsFunc(r.Names, func(n Count) bool {
				return OrgKey(n.Key) == OrgKey(e.Name) && EntityID(r.Type, n.Key) == r.ID
			}) {
				e.Type = r.Type
				return r
			}
			continue // ids are apart too (EntityID)
		}
		// A spelling the entity is named by (its id is that name's) is
		// the entity; a spelling learned by joining, like any other near
		// name, must agree in context too.
		for _, n := range r.Names {
			if spellings[spellingKey(r.Type, n.Key)] && EntityID(r.Type, n.Key) == r.ID {
				return r
			}
		}
		if r.Type == pipeline.Organization && l.misspelt(r) {
			return r
		}
		if !l.near(r) {
			continue
		}
		n := shared(r, clues, roles)
		switch {
		case n > bestN:
			best, second, bestN = r, bestN, n
		case n > second:
			second = n
		}
	}
	need := minClues
	if e.Type != pipeline.Person {
		need = minOrgClues
	}
	if best == nil || bestN < need || second == bestN {
		return nil
	}
	return best
}

// near reports whether r could be e under another spelling or a shorter
// name: same first name and a near surname, a bare surname of a person
// with a first name, or the first word of a longer organisation name.
func (l *linkable) near(r *Remembered) bool {
	for _, n := range r.Names {
		switch {
		case l.e.Type == pipeline.Person:
			parts := strings.Fields(PersonKey(n.Key))
			if len(parts) < 2 {
				continue
			}
			first, sur := parts[0], strings.Join(surnameWords(parts), " ")
			if l.first == "" && sur == l.sur {
				return true
			}
			if l.first != "" && (first == l.first || nearSpelling(first, l.first)) && nearSpelling(sur, l.sur) {
				return true
			}
		case l.e.Type == pipeline.Organization || l.e.Type == pipeline.Misc:
			ws := strings.Fields(OrgKey(n.Key))
			if len(ws) > 1 && len(strings.Fields(l.key)) == 1 && (ws[0] == l.key || l.e.Type == pipeline.Organization && ws[len(ws)-1] == l.key) {
				return true
			}
			if len(ws) == 1 && len(l.forms) > 0 && r.ID == EntityID(r.Type, n.Key) {
				// The short form seen first ("Dish", then "Dish Network").
				for _, lf := range l.forms {
					if lf[0] == ws[0] {
						return true
					}
				}
			}
			if f := orgForm(n.Key); len(f) > 1 {
				for _, lf := range l.forms {
					if nearOrg(lf, f) {
						return true
					}
				}
			}
		}
	}
	return false
}

// misspelt reports whether one of e's names of three words or more is a
// remembered name of r with one word misspelt ("Merrill Lynch Captial
// Markets"): a name that long and that close is the same company without
// any context to agree.
func (l *linkable) misspelt(r *Remembered) bool {
	for _, n := range r.Names {
		f := orgForm(n.Key)
		if len(f) < 3 {
			continue
		}
		for _, lf := range l.forms {
			if len(lf) != len(f) {
				continue
			}
			diff := 0
			for i := range f {
				if f[i] != lf[i] {
					diff++
					if !nearSpelling(f[i], lf[i]) {
						diff = 2
					}
				}
			}
			if diff == 1 {
				return true
			}
		}
	}
	return false
}

// orgForm is the words of an organisation's name as nearOrg compares
// them: OrgKey's, without a place after a corporate suffix ("Dominion
// Textiles Inc of Canada" is "dominion textiles") or a leading country
// ("U.S. Securities and Exchange Commission").
func orgForm(name string) []string {
	ws := strings.Fields(Key(name))
	for i := 1; i+2 < len(ws); i++ {
		if corporateSuffixes[ws[i]] && ws[i+1] == "of" && i+3 == len(ws) {
			ws = ws[:i]
			break
		}
	}
	for len(ws) > 1 && corporateSuffixes[ws[len(ws)-1]] {
		ws = ws[:len(ws)-1]
	}
	if len(ws) > 2 {
		if k, ok := Default().LookupKey(ws[0]); ok && k.country || corporateSuffixes[ws[0]] {
			ws = ws[1:] // "NV Philips Gloeilampenfabrieken"
		}
	}
	return ws
}

// nearOrg reports whether two organisation names, as orgForm gives them,
// are one name written otherwise: the same first word and number of
// words, every other word the same or a near-spelling ("Western Digtial",
// "Dominion Textiles" for "Dominion Textile"), at least one of them not
// the same.
func nearOrg(a, b []string) bool {
	if len(a) != len(b) || a[0] != b[0] {
		return false
	}
	for i := 1; i < len(a); i++ {
		if a[i] != b[i] && !nearSpelling(a[i], b[i]) {
			return false
		}
	}
	return true
}

func spellingKey(t pipeline.EntityType, name string) string {
	if t == pipeline.Person {
		return PersonKey(name)
	}
	return OrgKey(name)
}

// roleClue prefixes an office among a person's clues.
const roleClue = "r:"

// rolesOf are the offices written next to a person's name in the article:
// title words among the four words before a mention and the six after it
// on its line ("Sergei Rybakov, the Russian deputy foreign minister").
func rolesOf(text string, e *Entity) []string {
	if e.Type != pipeline.Person {
		return nil
	}
	var out []string
	var buf [24]byte
	add := func(w string) {
		w = strings.Trim(w, ".,;:'\"()’“”")
		if len(w) < 2 || len(w) > len(buf) {
			return
		}
		lw := buf[:0]
		for i := 0; i < len(w); i++ {
			c := w[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lw = append(lw, c)
		}
		if titleWords[string(lw)] && !vagueTitle[string(lw)] && !slices.Contains(out, string(lw)) {
			out = append(out, string(lw))
		}
	}
	for _, m := range e.Mentions {
		// Four words back and six on, without leaving the line.
		start := m.Start
		for n := 0; n < 4 && start > 0; n++ {
			end := start
			for end > 0 && text[end-1] == ' ' {
				end--
			}
			if end == 0 || text[end-1] == '\n' {
				break
			}
			start = end
			for start > 0 && text[start-1] != ' ' && text[start-1] != '\n' {
				start--
			}
			add(text[start:end])
		}
		end := m.End
		for n := 0; n < 6 && end < len(text); n++ {
			start := end
			for start < len(text) && text[start] == ' ' {
				start++
			}
			if start == len(text) || text[start] == '\n' {
				break
			}
			end = start
			for end < len(text) && text[end] != ' ' && text[end] != '\n' {
				end++
			}
			add(text[start:end])
		}
	}
	slices.Sort(out)
	return out
}

// vagueTitle are title words that say little about who someone is.
var vagueTitle = map[string]bool{"former": true, "acting": true, "interim": true, "senior": true, "first": true,
	"national": true, "state": true, "general": true, "special": true, "high": true, "under": true, "head": true,
	"chief": true, "affairs": true, "policy": true, "private": true, "vice": true, "lady": true}

// record is what the article teaches the memory about l.e: its
// spellings, the offices next to its name, and the entities beside it,
// most salient first (ents is sorted by salience).
func (l *linkable) record(ents []*Entity) Remembered {
	e := l.e
	r := Remembered{ID: e.ID, Type: e.Type, Articles: 1, Keys: l.index}
	names := make([]Count, 0, len(e.names)+1)
	names = append(names, Count{Key: e.Name, N: 1})
	others := make([]string, 0, len(e.names))
	for n := range e.names {
		if n != e.Name && (e.Type != pipeline.Person || len(strings.Fields(n)) > 1) {
			others = append(others, n)
		}
	}
	slices.Sort(others)
	for _, n := range others {
		names = append(names, Count{Key: n, N: 1})
	}
	r.Names = mergeCounts(nil, names, MaxSpellings)
	cl := make([]Count, 0, MaxClues)
	for _, ro := range l.roles {
		cl = append(cl, Count{Key: roleClue + ro, N: 1})
	}
	for _, o := range ents {
		if o.ID != e.ID && len(o.Mentions) > 0 {
			cl = append(cl, Count{Key: o.ID, N: 1})
		}
	}
	r.Clues = mergeCounts(nil, cl, MaxClues)
	return r
}
