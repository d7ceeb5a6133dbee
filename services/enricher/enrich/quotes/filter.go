package quotes

import "github.com/newsflow/newsflow/services/enricher/enrich/doc"

// workNouns stand next to the title of a work or a show: “Meet the
// Press” host, the film “Spotlight”, in his book “Crippled America”.
// Source: hand-written; each word checked on the PolNeAR dev set to stand
// more often next to a false alarm than next to a quotation.
var workNouns = wordSet(`show shows program programme series film films movie movies book books novel memoir
	documentary episode song album podcast column newsletter magazine musical play ad ads spot
	titled host hosts anchor star stars`)

// smallWords stay lower case inside a title: “Parks and Recreation”.
var smallWords = wordSet(`a an the of and or in on to for with at by from as vs is`)

// isWorkTitle reports whether a quotation is the title of a work or a
// show, not words somebody said: a few words in title case with a work
// noun right before or after it.
func (a *attributor) isWorkTitle(s *segment) bool {
	d := a.d
	from, to := d.TokenAt(s.start), d.TokenAt(s.end)
	words := 0
	for i := from; i < to && i < len(d.Tokens); i++ {
		t := d.Tokens[i]
		if t.Start >= s.end {
			break
		}
		if t.Kind != doc.Word {
			continue
		}
		words++
		if words > 6 || !t.Cap && !smallWords[a.word(i)] || words == 1 && !t.Cap {
			return false
		}
	}
	if words == 0 {
		return false
	}
	if s.open > 0 {
		if j := s.open - 1; d.Tokens[j].Kind == doc.Word && workNouns[a.word(j)] {
			return true
		}
	}
	if s.close >= 0 {
		j := s.close + 1
		for j < len(d.Tokens) && d.Tokens[j].Kind == doc.Punct && d.Tokens[j].Para == d.Tokens[s.close].Para {
			j++
		}
		if j < len(d.Tokens) && d.Tokens[j].Kind == doc.Word && workNouns[a.word(j)] {
			return true
		}
	}
	return false
}
