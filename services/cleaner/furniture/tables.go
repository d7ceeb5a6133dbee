package furniture

import "github.com/newsflow/newsflow/pipeline/boilerplate"

// The vocabulary is package boilerplate's, shared with the enricher; these
// are the lookups this package makes in it.
var (
	labels         = boilerplate.Set(boilerplate.Labels)
	crossLinkLeads = boilerplate.CrossLinkLeads
	datelineLeads  = boilerplate.DatelineLeads
	creditLeads    = boilerplate.CreditLeads
	labelLeads     = boilerplate.LabelLeads
	legalPhrases   = boilerplate.LegalPhrases
	agencies       = boilerplate.Agencies
	shortPhrases   = boilerplate.ShortPhrases

	siteWords     = boilerplate.Set(boilerplate.SiteWords)
	readerWords   = boilerplate.Set(boilerplate.ReaderWords)
	imperatives   = boilerplate.Set(boilerplate.Imperatives)
	strongActions = boilerplate.Set(boilerplate.StrongActions)
	weakActions   = boilerplate.Set(boilerplate.WeakActions)
	strongStems   = boilerplate.StrongStems
	strongPairs   = boilerplate.Set(boilerplate.StrongPairs)
)
