package enrich_test

import (
	"strings"
	"unicode"
)

// spin rewrites text the way content farms do (seeds 003 and 004 are such
// rewrites): ordinary words swapped for synonyms, every seventh paragraph
// dropped, names, numbers and sentence order kept. It is deterministic.
func spin(text string) string {
	paras := strings.Split(text, "\n\n")
	var out []string
	for i, p := range paras {
		if i%7 == 6 {
			continue
		}
		out = append(out, spinWords(p))
	}
	return strings.Join(out, "\n\n")
}

var synonyms = map[string]string{
	"said": "stated", "says": "states", "told": "informed", "talks": "discussions", "began": "started",
	"tense": "strained", "negotiations": "talks", "aimed": "intended", "wide": "broad", "differences": "disagreements",
	"future": "prospects", "military": "armed", "second": "next", "efforts": "attempts", "members": "states",
	"speaking": "talking", "delegates": "envoys", "first": "initial", "formal": "official", "summit": "meeting",
	"neither": "not", "optimistic": "hopeful", "pessimistic": "gloomy", "key": "main", "objective": "goal",
	"stop": "halt", "further": "additional", "expansion": "enlargement", "rejected": "refused", "potential": "possible",
	"countries": "nations", "chance": "prospect", "require": "need", "tensions": "strains", "alert": "guard",
	"invasion": "incursion", "thousands": "many thousands", "troops": "soldiers", "massed": "gathered",
	"border": "frontier", "push": "press", "proposals": "suggestions", "simply": "just", "allow": "let",
	"anyone": "anybody", "described": "characterised", "moment": "instant", "address": "tackle",
	"especially": "particularly", "activities": "operations", "reduction": "lowering", "aim": "goal",
	"situation": "position", "always": "consistently", "respond": "react", "deterioration": "worsening",
	"environment": "climate", "protect": "guard", "prepared": "readied", "meeting": "gathering",
	"outcome": "result", "ended": "concluded", "clear": "obvious", "breakthrough": "advance",
	"reiterated": "repeated", "demands": "requests", "promising": "pledging", "consult": "confer",
	"addressing": "tackling", "concerns": "worries", "dominating": "controlling", "representing": "speaking for",
	"unprovoked": "unjustified", "unjustified": "unwarranted", "hoped": "wished", "meaningful": "substantial",
	"established": "founded", "kept": "preserved", "severed": "cut", "continue": "carry on", "indefinitely": "endlessly",
	"locked": "engaged", "fate": "destiny", "signalling": "indicating", "listen": "pay attention",
	"committed": "dedicated", "expressed": "voiced", "concern": "worry", "seeking": "pursuing", "guarantees": "assurances",
	"warned": "cautioned", "severe": "serious", "consequences": "repercussions", "attacked": "assaulted",
	"preliminary": "initial", "separately": "individually", "continuing": "ongoing", "united": "unified",
	"entitled": "permitted", "attach": "add", "withdrawal": "pullout", "considered": "regarded",
	"sparked": "triggered", "deployment": "placement", "fears": "worries", "invade": "attack",
	"killed": "slain", "expect": "anticipate", "breakthroughs": "advances", "progress": "headway",
	"prepared to": "ready to", "hard": "forcefully", "dead": "lifeless", "fighting": "battling",
}

func spinWords(p string) string {
	var b strings.Builder
	word := strings.Builder{}
	flush := func() {
		w := word.String()
		word.Reset()
		lw := strings.ToLower(w)
		s, ok := synonyms[lw]
		if !ok {
			b.WriteString(w)
			return
		}
		if w != lw && len(s) > 0 { // keep a capital
			r := []rune(s)
			r[0] = unicode.ToUpper(r[0])
			s = string(r)
		}
		b.WriteString(s)
	}
	for _, r := range p {
		if unicode.IsLetter(r) {
			word.WriteRune(r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}
